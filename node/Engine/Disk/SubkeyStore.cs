using Istore.Node.Keyspace;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The elements of one collection on disk (hash, set, list, sorted set, ranklist, bloom filter's bit chunks): subkeys <c>prefix | field</c> at the collection's
/// version (see <see cref="DiskFormat"/>) with the size kept in its metadata record. Reads see the
/// command's pending writes; writes join them. One per command that opened the key.
/// </summary>
internal sealed class SubkeyStore
{
    /// <summary>Elements read per iterator when copying or scanning (an iterator must not outlive a write to the batch).</summary>
    private const int ChunkSize = 1024;

    private readonly DiskSession _session;
    private readonly byte[] _prefix;
    private readonly byte[] _end;
    private byte[] _subkey;
    private byte[] _value = [];

    public SubkeyStore(DiskSession session, ReadOnlySpan<byte> key, CollectionMetadata metadata)
    {
        _session = session;
        Key = key.ToArray();
        Type = metadata.Type;
        ExpireAt = metadata.ExpireAt;
        Version = metadata.Version;
        Size = metadata.Size;
        Head = metadata.Head;
        Tail = metadata.Tail;
        Extra = metadata.Extra;
        _prefix = DiskFormat.SubkeyPrefix(key, Version);
        _end = DiskFormat.SubkeyPrefix(key, Version + 1);
        _subkey = new byte[_prefix.Length + 64];
        _prefix.CopyTo(_subkey, 0);
    }

    public DiskSession Session => _session;

    public byte[] Key { get; }

    public KeyType Type { get; }

    public long ExpireAt { get; }

    public ulong Version { get; }

    /// <summary>Elements held; a list's operations keep it equal to <see cref="Tail"/> - <see cref="Head"/>.</summary>
    public long Size { get; set; }

    /// <summary>A list's first element index.</summary>
    public ulong Head { get; set; }

    /// <summary>One past a list's last element index.</summary>
    public ulong Tail { get; set; }

    /// <summary>A ranklist's or bloom filter's own part of the metadata record (see <see cref="DiskFormat"/>).</summary>
    public byte[]? Extra { get; set; }

    private PendingWrites Pending => _session.Pending;

    public bool Contains(ReadOnlySpan<byte> field)
    {
        bool found = Pending.TryGet(_session.Engine.Subkeys, Subkey(field), out var value);
        value.Dispose();
        return found;
    }

    /// <summary>A field's value, valid until the next read.</summary>
    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!Pending.TryGet(_session.Engine.Subkeys, Subkey(field), out var stored))
            return false;
        using (stored)
        {
            if (_value.Length < stored.Span.Length)
                _value = new byte[Math.Max(stored.Span.Length, _value.Length * 2)];
            stored.Span.CopyTo(_value);
            value = _value.AsSpan(0, stored.Span.Length);
        }
        return true;
    }

    /// <summary>Sets an element; true when it is new.</summary>
    public bool Put(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        bool added = !Contains(field);
        Pending.Put(_session.Engine.Subkeys, Subkey(field), value);
        if (added)
            Size++;
        return added;
    }

    /// <summary>Adds an element known to be absent (filling a new version).</summary>
    public void PutNew(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        Pending.Put(_session.Engine.Subkeys, Subkey(field), value);
        Size++;
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (!Contains(field))
            return false;
        Pending.Delete(_session.Engine.Subkeys, Subkey(field));
        Size--;
        return true;
    }

    /// <summary>Writes an element whatever was there, leaving the size to the caller (list positions).</summary>
    public void Overwrite(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value) => Pending.Put(_session.Engine.Subkeys, Subkey(field), value);

    /// <summary>Deletes an element known to be there, leaving the size to the caller (list positions).</summary>
    public void Erase(ReadOnlySpan<byte> field) => Pending.Delete(_session.Engine.Subkeys, Subkey(field));

    /// <summary>Writes the metadata record (type, expiry, version, size; a list's head and tail) into the command's batch.</summary>
    public void WriteMetadata()
    {
        var metadata = new CollectionMetadata(Type, ExpireAt, Version, Size, Head, Tail, Extra);
        Span<byte> record = stackalloc byte[DiskFormat.CollectionRecordBytes(metadata)];
        DiskFormat.WriteCollection(record, metadata);
        Pending.Put(_session.Engine.Metadata, Key, record);
    }

    /// <summary>
    /// Copies every element of <paramref name="source"/> into this (new, empty) collection, a chunk at
    /// a time; <paramref name="copied"/> sees each one (a sorted set writes its index entry).
    /// </summary>
    public void CopyFrom(SubkeyStore source, Action<byte[], byte[]>? copied = null)
    {
        var chunk = new List<(byte[] Field, byte[] Value)>(ChunkSize);
        byte[]? from = [];
        while (from is not null)
        {
            chunk.Clear();
            from = source.Read(from, ChunkSize, chunk);
            foreach (var (field, value) in chunk)
            {
                PutNew(field, value);
                copied?.Invoke(field, value);
            }
        }
    }

    /// <summary>
    /// HSCAN/SSCAN/ZSCAN: up to <paramref name="count"/> elements from the field the cursor stands for
    /// (fields are ordered, so one present for the whole scan is returned at least once).
    /// </summary>
    public ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found, bool withValues)
    {
        var cursors = _session.Engine.Cursors;
        var from = cursors.Resolve((long)Math.Min(cursor, long.MaxValue));
        if (from is null)
            return 0;
        var chunk = new List<(byte[] Field, byte[] Value)>(Math.Min(count, ChunkSize));
        var next = Read(from, Math.Max(count, 1), chunk);
        foreach (var (field, value) in chunk)
        {
            if (pattern is not null && !pattern.IsMatch(field))
                continue;
            found.Add(field);
            if (withValues)
                found.Add(value);
        }
        return next is null ? 0 : (ulong)cursors.Issue(next);
    }

    /// <summary>A uniformly chosen element: walks to a random position (O(n) reads, no copy). The collection must not be empty.</summary>
    public (byte[] Field, byte[] Value) RandomElement()
    {
        long skip = Random.Shared.NextInt64(Size);
        using var cursor = OpenCursor();
        while (cursor.MoveNext())
            if (skip-- == 0)
                return (cursor.Key.ToArray(), cursor.Value.ToArray());
        throw new InvalidDataException($"{System.Text.Encoding.UTF8.GetString(Key)} holds fewer elements than its size says");
    }

    /// <summary>Walks the elements in field order from <paramref name="from"/> (the first one when empty).</summary>
    public Objects.ElementCursor OpenCursor(ReadOnlySpan<byte> from = default) =>
        new SubkeyCursor(Pending.NewIterator(_session.Engine.Subkeys, _end), _prefix, from);

    /// <summary>Reads up to <paramref name="count"/> elements from field <paramref name="from"/> on; returns the next field, or null at the end.</summary>
    private byte[]? Read(byte[] from, int count, List<(byte[] Field, byte[] Value)> into)
    {
        using var cursor = OpenCursor(from);
        while (cursor.MoveNext())
        {
            if (into.Count == count)
                return cursor.Key.ToArray();
            into.Add((cursor.Key.ToArray(), cursor.Value.ToArray()));
        }
        return null;
    }

    private ReadOnlySpan<byte> Subkey(ReadOnlySpan<byte> field)
    {
        int length = _prefix.Length + field.Length;
        if (_subkey.Length < length)
        {
            var grown = new byte[Math.Max(length, _subkey.Length * 2)];
            _prefix.CopyTo(grown, 0);
            _subkey = grown;
        }
        field.CopyTo(_subkey.AsSpan(_prefix.Length));
        return _subkey.AsSpan(0, length);
    }
}
