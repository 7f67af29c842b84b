namespace Istore.Node.Scripting;

/// <summary>
/// The Lua side of the sandbox, run once when the state is created with the native functions as
/// its argument: the <c>redis</c> table as Redis 7 has it (argument checks and error texts are
/// Redis's), the pcall error handler that records where a script failed, and globals protection
/// (reading a missing global or writing any global or library table is an error). Natives never
/// raise; they return an error table and a flag, and the wrappers here raise it.
/// </summary>
internal static class LuaPrelude
{
    public const string ChunkName = "@redis_prelude";

    public const string Code = """
local n = ...
local type, error, tostring, tonumber, select, setmetatable, rawset = type, error, tostring, tonumber, select, setmetatable, rawset
local dbg = debug

-- Redis's luaPushErrorBuff: '-CODE text' keeps its code, anything else becomes 'ERR text'.
local function failure(msg)
  local code, text = 'ERR', msg
  if msg:sub(1, 1) == '-' then
    local space = msg:find(' ', 1, true)
    if space then code, text = msg:sub(2, space - 1), msg:sub(space + 1) else text = msg:sub(2) end
  end
  text = text:gsub('^[\r\n]+', ''):gsub('[\r\n]+$', '')
  return {err = code .. ' ' .. text}
end

local redis = {}
local call = n.call
function redis.call(...)
  local reply, raise = call(...)
  if raise then error(reply) end
  return reply
end
function redis.pcall(...)
  return (call(...))
end
function redis.acl_check_cmd(...)
  local allowed = n.aclcheck(...)
  if type(allowed) == 'table' then error(allowed) end
  return allowed
end
function redis.sha1hex(...)
  if select('#', ...) ~= 1 then error(failure('wrong number of arguments')) end
  return n.sha1hex((...))
end
function redis.error_reply(...)
  if select('#', ...) ~= 1 or type((...)) ~= 'string' then return failure('wrong number or type of arguments') end
  local e = ...
  if e:sub(1, 1) ~= '-' then e = '-' .. e end
  return failure(e)
end
function redis.status_reply(...)
  if select('#', ...) ~= 1 or type((...)) ~= 'string' then return failure('wrong number or type of arguments') end
  return {ok = (...)}
end
function redis.log(...)
  local argc = select('#', ...)
  if argc < 2 then error(failure('redis.log() requires two arguments or more.')) end
  local level = tonumber((...))
  if level == nil then error(failure('First argument must be a number (log level).')) end
  if level < 0 or level > 3 then error(failure('Invalid debug level.')) end
  local parts = {}
  for i = 2, argc do
    local v = select(i, ...)
    if type(v) == 'string' or type(v) == 'number' then parts[#parts + 1] = tostring(v) end
  end
  n.log(level, table.concat(parts, ' '))
end
function redis.setresp(...)
  if select('#', ...) ~= 1 then error(failure('redis.setresp() requires one argument.')) end
  local v = tonumber((...))
  if v ~= 2 and v ~= 3 then error(failure('RESP version must be 2 or 3.')) end
  n.setresp(v)
end
function redis.set_repl(...)
  if select('#', ...) ~= 1 then error(failure('redis.set_repl() requires two arguments.')) end
  local f = tonumber((...)) or 0
  if f ~= 0 and f ~= 1 and f ~= 2 and f ~= 3 then
    error(failure('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.'))
  end
  n.set_repl(f)
end
function redis.replicate_commands() return true end
function redis.breakpoint() return false end
function redis.debug() end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.REDIS_VERSION, redis.REDIS_VERSION_NUM = n.version, n.version_num

-- FUNCTION LOAD runs a library's body with this table as its redis: registration only.
local loader = setmetatable({}, {
  __index = function(_, k) error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end,
})
local pairs = pairs
-- Redis's argument checks and texts for both forms: (name, callback) and one table of named arguments.
function loader.register_function(...)
  local argc = select('#', ...)
  local name, callback, flags, description
  if argc == 1 then
    local spec = ...
    if type(spec) ~= 'table' then
      error(failure('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).'))
    end
    for k, v in pairs(spec) do
      if type(k) ~= 'string' then error(failure('named argument key given to redis.register_function is not a string')) end
      if k == 'function_name' then
        if type(v) ~= 'string' then error(failure('function_name argument given to redis.register_function must be a string')) end
        name = v
      elseif k == 'description' then
        if type(v) ~= 'string' then error(failure('description argument given to redis.register_function must be a string')) end
        description = v
      elseif k == 'callback' then
        if type(v) ~= 'function' then error(failure('callback argument given to redis.register_function must be a function')) end
        callback = v
      elseif k == 'flags' then
        if type(v) ~= 'table' then error(failure('flags argument to redis.register_function must be a table representing function flags')) end
        flags = v
      else
        error(failure('unknown argument given to redis.register_function'))
      end
    end
    if name == nil then error(failure('redis.register_function must get a function name argument')) end
    if callback == nil then error(failure('redis.register_function must get a callback argument')) end
  elseif argc == 2 then
    name, callback = ...
    if type(name) ~= 'string' then error(failure('first argument to redis.register_function must be a string')) end
    if type(callback) ~= 'function' then error(failure('second argument to redis.register_function must be a function')) end
  else
    error(failure('wrong number of arguments to redis.register_function'))
  end
  local reason = n.register(name, callback, flags, description)
  if reason then error(failure(reason)) end
end
loader.log = redis.log
loader.LOG_DEBUG, loader.LOG_VERBOSE, loader.LOG_NOTICE, loader.LOG_WARNING = 0, 1, 2, 3
loader.REDIS_VERSION, loader.REDIS_VERSION_NUM = redis.REDIS_VERSION, redis.REDIS_VERSION_NUM

-- The pcall error handler: the error as a table, with the script line that failed (C frames
-- and this prelude's wrappers are skipped, so a failing redis.call points at its caller).
local prelude = dbg.getinfo(1, 'S').source
local function handler(err)
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and (i.what == 'C' or i.source == prelude) do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  -- "return redis.call(...)" is a tail call: Lua 5.1 has dropped the script's frame, so no line is known.
  if i and i.what ~= 'tail' then
    err.source = i.source
    err.line = i.currentline
  end
  return err
end
local registry = dbg.getregistry()
registry.istore_err_handler = handler

local function readonly() error('Attempt to modify a readonly table', 2) end
local protected = {}
-- A protected table's metatable is visible (getmetatable) but read-only itself, as in Redis.
local function lock(t, meta)
  meta.__metatable = setmetatable({}, {__index = meta, __newindex = readonly, __metatable = false})
  protected[t] = true
  return setmetatable(t, meta)
end
local function protect(t)
  return lock({}, {__index = t, __newindex = readonly})
end
-- Raised where Redis's C API raises it: without a position prefix.
_G.rawset = function(t, k, v)
  if protected[t] then error('Attempt to modify a readonly table', 0) end
  return rawset(t, k, v)
end
_G.setmetatable = function(t, m)
  if protected[t] then error('Attempt to modify a readonly table', 0) end
  return setmetatable(t, m)
end
-- Redis's loadstring refuses precompiled chunks (string.dump output): they could break the sandbox.
local loadstring = loadstring
_G.loadstring = function(s, ...)
  if type(s) == 'string' and s:byte(1) == 27 then return nil, 'binary chunks are not allowed' end
  return loadstring(s, ...)
end
redis = protect(redis)
registry.istore_loader = protect(loader)

-- cmsgpack and struct, as Redis bundles them (Debian does not package them): C# natives that return ok, values... or false, message.
do
  local pack, decode, unpack = n.msgpack_pack, n.msgpack_unpack, unpack
  local function count(...) return select('#', ...), {...} end
  -- No tail call into the native: the error must point at the script's line (a tail call drops that frame).
  local function checked(f)
    return function(...)
      local c, r = count(f(...))
      if not r[1] then error(r[2], 2) end
      return unpack(r, 2, c)
    end
  end
  cmsgpack = {
    pack = checked(pack),
    unpack = checked(function(s) return decode(s, 0, 0) end),
    unpack_one = checked(function(s, offset) return decode(s, 1, tonumber(offset) or 0) end),
    unpack_limit = checked(function(s, limit, offset) return decode(s, tonumber(limit) or 0, tonumber(offset) or 0) end),
  }
  -- struct, as Redis bundles it (Debian does not package it either): C# natives in the same style.
  struct = {pack = checked(n.struct_pack), unpack = checked(n.struct_unpack), size = checked(n.struct_size)}
end

-- Redis's pcall hands back a failed redis.call's error text, not its table (as before Redis 7).
local lua_pcall = pcall
local function settle(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' and type(e.err) == 'string' then e = e.err end
  return false, e
end
pcall = function(...) return settle(lua_pcall(...)) end

debug, print, dofile, loadfile = nil, nil, nil, nil
for _, name in ipairs({'string', 'table', 'math', 'cjson', 'bit', 'cmsgpack', 'struct', 'coroutine'}) do
  if _G[name] then _G[name] = protect(_G[name]) end
end
_G.redis = redis

-- Globals move to a store behind an empty _G: every assignment reaches __newindex (read-only),
-- reads chain to the store, and a name missing there too is an error. KEYS and ARGV are set
-- raw into _G by the node before each EVAL.
local G, store = _G, {}
for k, v in next, G do store[k] = v end
for k in next, store do rawset(G, k, nil) end
local function store_error_index(_, k) error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end
setmetatable(store, {__index = store_error_index})
local globals = {__index = store, __newindex = readonly}
lock(G, globals)

-- FUNCTION LOAD runs a library's body seeing no global but the loader as its redis, as Redis 7.0's
-- library API: reading any other name is an error. Set raw in _G, redis shadows the real one.
local nothing = setmetatable({}, {__index = store_error_index})
registry.istore_loading = function(on)
  rawset(G, 'redis', on and registry.istore_loader or nil)
  globals.__index = on and nothing or store
end
""";
}
