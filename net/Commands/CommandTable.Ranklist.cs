namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddRanklist(List<CommandSpec> t)
    {
        const string g = "ranklist";
        Add(t, g, "RL.ADD", -4, W | M, 1, 1, 1, "Adds members with scores to a ranklist (best first), optionally capped at MAXLEN.", keys: "RW update");
        Add(t, g, "RL.INCRBY", 4, W | M | F, 1, 1, 1, "Increments the score of a member of a ranklist.", keys: "RW access update");
        Add(t, g, "RL.REM", -3, W | F, 1, 1, 1, "Removes members from a ranklist.", keys: "RW delete");
        Add(t, g, "RL.CARD", 2, R | F, 1, 1, 1, "Returns the number of members of a ranklist.", keys: "RO");
        Add(t, g, "RL.SCORE", -3, R | F, 1, 1, 1, "Returns the scores of members of a ranklist.", keys: "RO access");
        Add(t, g, "RL.RANK", 3, R | F, 1, 1, 1, "Returns the rank of a member of a ranklist, 0 being the best.", keys: "RO access");
        Add(t, g, "RL.RANGE", -4, R, 1, 1, 1, "Returns the members of a ranklist in a range of ranks, best first.", keys: "RO access");
        Add(t, g, "RL.RANGEBYSCORE", -4, R, 1, 1, 1, "Returns the members of a ranklist with scores from max down to min.", keys: "RO access");
        Add(t, g, "RL.TRIM", 3, W, 1, 1, 1, "Removes the lowest members of a ranklist beyond a length.", keys: "RW delete");
        // LISTS n key weight [key weight …] and EXCLUDE m key [key …]: keys found by NumKeysStep and KeywordNumKeys.
        t.Add(new CommandSpec("RL.RECALL", -6, R, 0, 0, 0, g,
            "Returns the top members of a weighted merge of ranklists, minus excluded members.")
        { NumKeysAt = 3, NumKeysStep = 2, KeywordNumKeys = "EXCLUDE", Keys = "RO access i3 n0,1,2; RO access kEXCLUDE,4 n0,1,1" });
        // The per-shard steps of a recall whose keys live on several shards (the proxy runs it):
        // one key each, so the proxy forwards them by key like any single-key read.
        Add(t, g, "RL.WINDOW", -6, R, 1, 1, 1, "Returns rows of a ranklist's top-depth window in weighted order, down to a minimum contribution.", keys: "RO access");
        Add(t, g, "RL.WINDOWSCORE", -4, R | F, 1, 1, 1, "Returns the scores of members ranked within a ranklist's top-depth window.", keys: "RO access");
        t.Add(new CommandSpec("RL.PARTIAL", -7, R, 0, 0, 0, g,
            "Returns the members of a shard's ranklists that matter to a recall, by their aggregate over those lists alone.")
        { NumKeysAt = 1, NumKeysStep = 2, Keys = "RO access i1 n0,1,2" });
        Add(t, g, "RL.EXCLUDED", -2, R | F, 1, 1, 1, "Tells for each member whether a set, ranklist or bloom filter excludes it from a recall.", keys: "RO access");

        const string b = "bf";
        Add(t, b, "BF.RESERVE", -4, W | M, 1, 1, 1, "Creates a new bloom filter.", keys: "RW insert");
        Add(t, b, "BF.ADD", 3, W | M | F, 1, 1, 1, "Adds an item to a bloom filter, creating it when missing.", keys: "RW insert");
        Add(t, b, "BF.MADD", -3, W | M, 1, 1, 1, "Adds items to a bloom filter, creating it when missing.", keys: "RW insert");
        Add(t, b, "BF.EXISTS", 3, R | F, 1, 1, 1, "Tells whether an item may have been added to a bloom filter.", keys: "RO access");
        Add(t, b, "BF.MEXISTS", -3, R | F, 1, 1, 1, "Tells for each item whether it may have been added to a bloom filter.", keys: "RO access");
        Add(t, b, "BF.INSERT", -4, W | M, 1, 1, 1, "Adds items to a bloom filter, creating it with the given parameters when missing.", keys: "RW insert");
        Add(t, b, "BF.INFO", -2, R | F, 1, 1, 1, "Returns information about a bloom filter.", keys: "RO");
        Add(t, b, "BF.CARD", 2, R | F, 1, 1, 1, "Returns the number of items added to a bloom filter.", keys: "RO");
    }
}
