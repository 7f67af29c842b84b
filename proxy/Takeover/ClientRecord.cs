namespace Istore.Proxy.Takeover;

/// <summary>
/// What a client connection carries to the next process besides its socket: its id, the tenant
/// it authenticated as (null before AUTH), RESP2 or 3, its CLIENT SETNAME, its database (a
/// tenant has only 0), its peer address, and the bytes it had sent that were not parsed yet.
/// </summary>
internal sealed record ClientRecord(long Id, string? Tenant, int Protocol, string? Name, int Db, string RemoteAddress, byte[] Input)
{
    public void Write(BinaryFieldWriter writer)
    {
        writer.Int64(Id);
        writer.String(Tenant);
        writer.Int32(Protocol);
        writer.String(Name);
        writer.Int32(Db);
        writer.String(RemoteAddress);
        writer.Bytes(Input);
    }

    public static ClientRecord Read(BinaryFieldReader reader)
    {
        var record = new ClientRecord(reader.Int64(), reader.String(), reader.Int32(), reader.String(), reader.Int32(),
            reader.String() ?? "", reader.Bytes());
        if (record.Protocol is not (2 or 3))
            throw new InvalidDataException($"client {record.Id}: protocol {record.Protocol}");
        return record;
    }
}
