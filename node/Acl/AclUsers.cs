namespace Istore.Node.Acl;

/// <summary>
/// The node's users. Changes (ACL SETUSER, DELUSER, requirepass) take a lock; connections read
/// their user's published rules without one.
/// </summary>
internal sealed class AclUsers
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, AclUser> _users = new(StringComparer.Ordinal);

    public AclUsers()
    {
        var rules = AclRules.NewUser(allChannels: false);
        foreach (var op in new[] { "+@all", "~*", "&*", "on", "nopass" })
            rules.Apply(op, false);
        Default = new AclUser("default", rules.Seal());
        _users["default"] = Default;
    }

    public AclUser Default { get; }

    public AclLog Log { get; } = new();

    /// <summary>acl-pubsub-default: whether new users start with allchannels (Redis 7: resetchannels).</summary>
    public bool PubSubDefaultAllChannels { get; set; }

    /// <summary>Redis's authRequired: a connection that has not authenticated may run only no-auth commands.</summary>
    public bool DefaultRequiresAuth
    {
        get
        {
            var rules = Default.Rules;
            return !rules.NoPass || !rules.Enabled;
        }
    }

    /// <summary>What a new (or RESET) connection starts as: authenticated when the default user needs no password.</summary>
    public bool DefaultAuthenticates => !DefaultRequiresAuth;

    /// <summary>requirepass: the default user's only password, or nopass when empty (Redis's ACLUpdateDefaultUserPassword).</summary>
    public void SetDefaultPassword(string? password)
    {
        lock (_lock)
        {
            var rules = Default.Rules.Clone();
            rules.Apply("resetpass", false);
            rules.Apply(password is null ? "nopass" : ">" + password, false);
            Default.Rules = rules.Seal();
        }
    }

    public AclUser? Find(string name)
    {
        lock (_lock)
            return _users.GetValueOrDefault(name);
    }

    public List<AclUser> All()
    {
        lock (_lock)
            return [.. _users.Values];
    }

    /// <summary>
    /// ACL SETUSER: all rules or none (checked on a copy). Returns Redis's error, or null with the
    /// user and its rules before the change (null for a new user).
    /// </summary>
    public string? SetUser(string name, IReadOnlyList<string> ops, out AclUser? user, out AclRules? before)
    {
        lock (_lock)
        {
            user = _users.GetValueOrDefault(name);
            before = user?.Rules;
            var rules = before?.Clone() ?? AclRules.NewUser(PubSubDefaultAllChannels);
            foreach (var op in ops)
            {
                if (rules.Apply(op, PubSubDefaultAllChannels) is { } error)
                    return $"ERR Error in ACL SETUSER modifier '{op}': {error}";
            }
            if (user is null)
                _users[name] = user = new AclUser(name, rules.Seal());
            else
                user.Rules = rules.Seal();
            return null;
        }
    }

    /// <summary>ACL DELUSER: removes the named users; returns those that existed.</summary>
    public List<AclUser> Delete(IEnumerable<string> names)
    {
        var deleted = new List<AclUser>();
        lock (_lock)
        {
            foreach (var name in names)
            {
                if (_users.Remove(name, out var user))
                {
                    user.Deleted = true;
                    deleted.Add(user);
                }
            }
        }
        return deleted;
    }
}
