namespace Istore.Node.Dump;

/// <summary>
/// Value type bytes of Redis's RDB format (rdb.h of Redis 7.0, RDB version 10), and the two istore
/// adds for its own types: ids Redis 7.0 does not use, so redis-server refuses them as "Bad data format".
/// </summary>
public static class RdbType
{
    public const byte String = 0;
    public const byte List = 1;
    public const byte Set = 2;
    public const byte ZSet = 3;
    public const byte Hash = 4;
    public const byte ZSet2 = 5;
    public const byte HashZipmap = 9;
    public const byte ListZiplist = 10;
    public const byte SetIntset = 11;
    public const byte ZSetZiplist = 12;
    public const byte HashZiplist = 13;
    public const byte ListQuicklist = 14;
    public const byte StreamListpacks = 15;
    public const byte HashListpack = 16;
    public const byte ZSetListpack = 17;
    public const byte ListQuicklist2 = 18;
    public const byte StreamListpacks2 = 19;

    /// <summary>istore's ranklist, in its checkpoint encoding.</summary>
    public const byte IstoreRankList = 200;

    /// <summary>istore's scalable bloom filter, in its checkpoint encoding.</summary>
    public const byte IstoreBloom = 201;

    /// <summary>The RDB version written after a payload: Redis 7.0's. Payloads of a later version are refused, as 7.0 does.</summary>
    public const ushort Version = 10;

    /// <summary>Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2).</summary>
    public const int QuicklistPlain = 1;
    public const int QuicklistPacked = 2;
}
