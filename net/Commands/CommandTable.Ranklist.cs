namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddRanklist(List<CommandSpec> t)
    {
        const string g = "ranklist";
        const string Log = "O(log(N)) with N being the number of members in the ranklist.";
        const string Range = "O(log(N)+M) with N being the number of members in the ranklist and M the number of members returned.";
        Add(t, g, "RL.ADD", -4, W | M, 1, 1, 1, "Adds members with scores to a ranklist (best first), optionally capped at MAXLEN.", keys: "RW update",
            docs: Doc("1.0.0", "O(M*log(N)) with N being the number of members in the ranklist and M the number of members added.", "key:key [MAXLEN maxlen:integer] condition=[NX | XX] comparison=[GT | LT] (score:double member)..."));
        Add(t, g, "RL.INCRBY", 4, W | M | F, 1, 1, 1, "Increments the score of a member of a ranklist.", keys: "RW access update",
            docs: Doc("1.0.0", Log, "key:key increment:double member"));
        Add(t, g, "RL.REM", -3, W | F, 1, 1, 1, "Removes members from a ranklist.", keys: "RW delete",
            docs: Doc("1.0.0", "O(M*log(N)) with N being the number of members in the ranklist and M the number of members removed.", "key:key member..."));
        Add(t, g, "RL.CARD", 2, R | F, 1, 1, 1, "Returns the number of members of a ranklist.", keys: "RO",
            docs: Doc("1.0.0", O1, "key:key"));
        Add(t, g, "RL.SCORE", -3, R | F, 1, 1, 1, "Returns the scores of members of a ranklist.", keys: "RO access",
            docs: Doc("1.0.0", "O(M) where M is the number of members asked for.", "key:key member..."));
        Add(t, g, "RL.RANK", 3, R | F, 1, 1, 1, "Returns the rank of a member of a ranklist, 0 being the best.", keys: "RO access",
            docs: Doc("1.0.0", Log, "key:key member"));
        Add(t, g, "RL.RANGE", -4, R, 1, 1, 1, "Returns the members of a ranklist in a range of ranks, best first.", keys: "RO access",
            docs: Doc("1.0.0", Range, "key:key start:integer stop:integer [WITHSCORES]"));
        Add(t, g, "RL.RANGEBYSCORE", -4, R, 1, 1, 1, "Returns the members of a ranklist with scores from max down to min.", keys: "RO access",
            docs: Doc("1.0.0", Range, "key:key max:double min:double [WITHSCORES] [LIMIT (offset:integer count:integer)]"));
        Add(t, g, "RL.TRIM", 3, W, 1, 1, 1, "Removes the lowest members of a ranklist beyond a length.", keys: "RW delete",
            docs: Doc("1.0.0", "O(M*log(N)) with N being the number of members in the ranklist and M the number of members removed.", "key:key maxlen:integer"));
        // LISTS n key weight [key weight …] and EXCLUDE m key [key …]: keys found by NumKeysStep and KeywordNumKeys.
        t.Add(new CommandSpec("RL.RECALL", -6, R, 0, 0, 0, g,
            "Returns the top members of a weighted merge of ranklists, minus excluded members.")
        {
            NumKeysAt = 3, NumKeysStep = 2, KeywordNumKeys = "EXCLUDE", Keys = "RO access i3 n0,1,2; RO access kEXCLUDE,4 n0,1,1",
            Docs = Doc("1.0.0", "O(W) where W is the total size of the lists' windows, for a full merge; the threshold algorithm, picked when cheaper, stops after a prefix of each list. Exclusions are tested only for members that would enter the answer.",
                "count:integer lists=LISTS (numkeys:integer (key:key weight:double)...) [aggregate=AGG (SUM | MAX)] [DEPTH depth:integer] [exclude=EXCLUDE (numkeys:integer key:key...)] [WITHSCORES]"),
        });
        // The per-shard steps of a recall whose keys live on several shards (the proxy runs it):
        // one key each, so the proxy forwards them by key like any single-key read.
        Add(t, g, "RL.WINDOW", -6, R, 1, 1, 1, "Returns rows of a ranklist's top-depth window in weighted order, down to a minimum contribution.", keys: "RO access",
            docs: Doc("1.0.0", "O(log(N)+M) with N being the number of members in the ranklist and M the number of rows returned.", "key:key weight:double depth:integer offset:integer count:integer [MIN contribution:double]"));
        Add(t, g, "RL.WINDOWSCORE", -4, R | F, 1, 1, 1, "Returns the scores of members ranked within a ranklist's top-depth window.", keys: "RO access",
            docs: Doc("1.0.0", "O(M*log(N)) with N being the number of members in the ranklist and M the number of members asked for.", "key:key depth:integer member..."));
        t.Add(new CommandSpec("RL.PARTIAL", -7, R, 0, 0, 0, g,
            "Returns the members of a shard's ranklists that matter to a recall, by their aggregate over those lists alone.")
        {
            NumKeysAt = 1, NumKeysStep = 2, Keys = "RO access i1 n0,1,2",
            Docs = Doc("1.0.0", "O(W) where W is the total size of the lists' windows, for TOP and ABOVE; a repeated recall over the same lists reads its last merge again in O(M), M being the number of members.",
                "numkeys:integer (key:key weight:double)... depth:integer aggregate=(SUM | MAX) rows=(TOP count:integer | ABOVE min:double | SCORES member...)"),
        });
        Add(t, g, "RL.EXCLUDED", -2, R | F, 1, 1, 1, "Tells for each member whether a set, ranklist or bloom filter excludes it from a recall.", keys: "RO access",
            docs: Doc("1.0.0", "O(M) where M is the number of members asked for (O(M*K) for a bloom filter of K hash functions).", "key:key [member...]"));

        const string b = "bf";
        const string PerItem = "O(K) for each item, K being the number of hash functions (and of layers, for a scaling filter).";
        Add(t, b, "BF.RESERVE", -4, W | M, 1, 1, 1, "Creates a new bloom filter.", keys: "RW insert",
            docs: Doc("1.0.0", O1, "key:key error_rate:double capacity:integer [EXPANSION expansion:integer] [NONSCALING]"));
        Add(t, b, "BF.ADD", 3, W | M | F, 1, 1, 1, "Adds an item to a bloom filter, creating it when missing.", keys: "RW insert",
            docs: Doc("1.0.0", PerItem, "key:key item"));
        Add(t, b, "BF.MADD", -3, W | M, 1, 1, 1, "Adds items to a bloom filter, creating it when missing.", keys: "RW insert",
            docs: Doc("1.0.0", PerItem, "key:key item..."));
        Add(t, b, "BF.EXISTS", 3, R | F, 1, 1, 1, "Tells whether an item may have been added to a bloom filter.", keys: "RO access",
            docs: Doc("1.0.0", PerItem, "key:key item"));
        Add(t, b, "BF.MEXISTS", -3, R | F, 1, 1, 1, "Tells for each item whether it may have been added to a bloom filter.", keys: "RO access",
            docs: Doc("1.0.0", PerItem, "key:key item..."));
        Add(t, b, "BF.INSERT", -4, W | M, 1, 1, 1, "Adds items to a bloom filter, creating it with the given parameters when missing.", keys: "RW insert",
            docs: Doc("1.0.0", PerItem, "key:key [CAPACITY capacity:integer] [ERROR error:double] [EXPANSION expansion:integer] [NOCREATE] [NONSCALING] ITEMS item..."));
        Add(t, b, "BF.INFO", -2, R | F, 1, 1, 1, "Returns information about a bloom filter.", keys: "RO",
            docs: Doc("1.0.0", O1, "key:key field=[CAPACITY | SIZE | FILTERS | ITEMS | EXPANSION]"));
        Add(t, b, "BF.CARD", 2, R | F, 1, 1, 1, "Returns the number of items added to a bloom filter.", keys: "RO",
            docs: Doc("1.0.0", O1, "key:key"));
    }
}
