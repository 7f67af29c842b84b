using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Node.Engine.Disk;
using Istore.Node.Engine.Disk.Native;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

/// <summary>
/// A disk master's full sync to a disk replica as RocksDB SST files (ingested in one swap), the
/// key-by-key format kept between engines of different kinds, and file transfers that go wrong:
/// a clear error and a retry, the old data served meanwhile, never a link that says up. A replica
/// killed mid-transfer is <c>ReplicationFaultTestsOnDisk.A_replica_killed_mid_full_sync_converges_after_restart</c>,
/// which now goes through the files.
/// </summary>
public sealed class FileSyncTests
{
    [Fact]
    public async Task A_disk_replica_ingests_a_disk_masters_files_in_place_of_its_old_data_and_continues_incrementally()
    {
        await using var group = await ReplicationGroup.StartAsync("disk", replicas: 0);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 300);
        await using var replica = await NodeProcess.StartAsync(["--engine", "disk"]);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "SET", "only-on-the-replica", "old"));
        Assert.Equal(":1\r\n", await ReplicationGroup.CommandAsync(replica, "HSET", "a:1:h", "stale", "field"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "127.0.0.1", group.Master.Port.ToString()));
        await ReplicationGroup.WaitInSyncAsync(group.Master, [replica]);
        Assert.Contains("files, ingested", replica.Output);
        Assert.Equal("$-1\r\n", await ReplicationGroup.CommandAsync(replica, "GET", "only-on-the-replica"));
        await ReplicationGroup.AssertSameDataAsync(group.Master, replica);
        Assert.Equal(await group.Master.DbSizeAsync(), await replica.DbSizeAsync());

        // The stream goes on from the sync's offset; new collections on the replica take versions past the master's.
        await ReplicationWorkload.WriteAsync(group.Master, "b", 50);
        await ReplicationGroup.WaitInSyncAsync(group.Master, [replica]);
        await ReplicationGroup.AssertSameDataAsync(group.Master, replica);

        // The offset was stored with the ingested data: a restart continues incrementally.
        long partial = long.Parse((await ReplicationGroup.InfoAsync(group.Master, "stats"))["sync_partial_ok"]);
        replica.Kill();
        await ReplicationWorkload.WriteAsync(group.Master, "c", 20);
        await replica.RestartAsync();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "127.0.0.1", group.Master.Port.ToString()));   // not kept over a restart, as in Redis
        await ReplicationGroup.WaitInSyncAsync(group.Master, [replica]);
        Assert.Equal(partial + 1, long.Parse((await ReplicationGroup.InfoAsync(group.Master, "stats"))["sync_partial_ok"]));
        await ReplicationGroup.AssertSameDataAsync(group.Master, replica);
    }

    [Theory]
    [InlineData("memory", "disk")]
    [InlineData("disk", "memory")]
    public async Task Engines_of_different_kinds_sync_key_by_key(string masterEngine, string replicaEngine)
    {
        await using var master = await NodeProcess.StartAsync(["--engine", masterEngine]);
        await ReplicationWorkload.WriteAsync(master, "a", 100);
        await using var replica = await NodeProcess.StartAsync(["--engine", replicaEngine, "--replicaof", $"127.0.0.1:{master.Port}"]);
        await ReplicationGroup.WaitInSyncAsync(master, [replica]);
        Assert.DoesNotContain("files, ingested", replica.Output);
        await ReplicationGroup.AssertSameDataAsync(master, replica);
    }

    [Fact]
    public async Task A_file_transfer_cut_short_leaves_the_old_data_and_the_replica_retries()
    {
        await using var fake = new FakeFileMaster(payload => payload[..(payload.Length / 2)], complete: false, GarbageFile);
        await using var replica = await StartReplicaWithOldDataAsync(fake);
        await fake.WaitForAttemptsAsync(2);
        var info = await ReplicationGroup.InfoAsync(replica);
        Assert.Equal("down", info["master_link_status"]);
        await AssertOldDataServedAsync(replica, fake.OldDigest!);
        Assert.True(fake.ReplicaAskedForFiles, "the disk replica did not announce the file format");
        Assert.False(fake.SawLinkUp, "the replica said its link was up while it had not the master's data");
    }

    [Fact]
    public async Task A_corrupt_file_is_refused_with_a_clear_error_the_link_stays_down_and_a_later_sync_converges()
    {
        // The payload's checksum is right (as from a broken master): the SST itself is garbage.
        await using var fake = new FakeFileMaster(payload => payload, complete: true, GarbageFile);
        await using var replica = await StartReplicaWithOldDataAsync(fake);
        string digest = fake.OldDigest!;
        await fake.WaitForAttemptsAsync(2);
        var info = await ReplicationGroup.WaitForInfoAsync(replica, i => i.GetValueOrDefault("master_link_down_reason", "").Contains("do not ingest"));
        Assert.Equal("down", info["master_link_status"]);
        Assert.False(fake.SawLinkUp, "the replica said its link was up while it had not the master's data");
        Assert.Equal("+PONG\r\n", await ReplicationGroup.CommandAsync(replica, "PING"));
        await AssertOldDataServedAsync(replica, digest);

        await using var master = await NodeProcess.StartAsync(["--engine", "disk"]);
        await ReplicationWorkload.WriteAsync(master, "a", 50);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "127.0.0.1", master.Port.ToString()));
        await ReplicationGroup.WaitInSyncAsync(master, [replica]);
        await ReplicationGroup.AssertSameDataAsync(master, replica);
    }

    [Fact]
    public async Task A_file_damaged_inside_is_found_by_its_checksums_before_the_old_data_is_touched()
    {
        // A real SST whose middle data block has one byte flipped: its footer, index and first and
        // last blocks are intact, so only reading every block against its checksum finds it.
        await using var fake = new FakeFileMaster(payload => payload, complete: true, DamagedSst());
        await using var replica = await StartReplicaWithOldDataAsync(fake);
        string digest = fake.OldDigest!;
        await fake.WaitForAttemptsAsync(2);
        var info = await ReplicationGroup.WaitForInfoAsync(replica, i => i.GetValueOrDefault("master_link_down_reason", "").Contains("do not ingest"));
        Assert.Contains("checksum", info["master_link_down_reason"], StringComparison.OrdinalIgnoreCase);
        Assert.False(fake.SawLinkUp, "the replica said its link was up while it had not the master's data");
        await AssertOldDataServedAsync(replica, digest);
        Assert.Equal("$-1\r\n", await ReplicationGroup.CommandAsync(replica, "GET", "new:00001"));
    }

    /// <summary>The replica still serves exactly its old dataset: its key, its count, its digest.</summary>
    private static async Task AssertOldDataServedAsync(NodeProcess replica, string digest)
    {
        Assert.Equal("$4\r\ndata\r\n", await ReplicationGroup.CommandAsync(replica, "GET", "old"));
        Assert.Equal("$5\r\nvalue\r\n", await ReplicationGroup.CommandAsync(replica, "HGET", "old:hash", "field"));
        Assert.Equal(":2\r\n", await replica.DbSizeAsync());
        Assert.Equal(digest, await ReplicationGroup.DigestAsync(replica));
    }

    /// <summary>4 KB that is no SST at all.</summary>
    private static readonly byte[] GarbageFile = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();

    /// <summary>An SST of the metadata family (2,000 string records, incompressible values) with one byte flipped a third of the way in.</summary>
    private static byte[] DamagedSst()
    {
        var directory = Directory.CreateTempSubdirectory("istore-sst-");
        try
        {
            using var db = RocksDb.Open(Path.Combine(directory.FullName, "db"), new DatabaseOptions(1 << 20, 1 << 20),
                DiskFormat.Families.Select(f => new ColumnFamilyOptions(f)).ToList());
            string path = Path.Combine(directory.FullName, "1.sst");
            var random = new Random(11);
            var value = new byte[64];
            var record = new byte[DiskFormat.HeaderBytes + value.Length];
            using (var sst = db.CreateSstWriter(DiskFormat.MetadataFamily, path))
            {
                for (int i = 0; i < 2000; i++)
                {
                    random.NextBytes(value);
                    DiskFormat.WriteString(record, value, 0);
                    sst.Put(Encoding.ASCII.GetBytes($"new:{i:D5}"), record);
                }
                sst.Finish();
            }
            byte[] bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 3] ^= 0xFF;   // data blocks come first, the index and footer at the end
            return bytes;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<NodeProcess> StartReplicaWithOldDataAsync(FakeFileMaster fake)
    {
        var replica = await NodeProcess.StartAsync(["--engine", "disk"]);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "SET", "old", "data"));
        Assert.Equal(":1\r\n", await ReplicationGroup.CommandAsync(replica, "HSET", "old:hash", "field", "value"));
        fake.OldDigest = await ReplicationGroup.DigestAsync(replica);
        fake.Replica = replica;
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "127.0.0.1", fake.Port.ToString()));
        return replica;
    }

    /// <summary>
    /// A master that answers the handshake and sends a full sync of one metadata file (<c>file</c>, a
    /// bad one), shaped by <c>cut</c> (the payload bytes it sends); <c>complete</c>: with the end frame
    /// and the right checksum, else it closes the connection after the bytes. Watches the replica's link meanwhile.
    /// </summary>
    private sealed class FakeFileMaster : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<byte[], byte[]> _cut;
        private readonly bool _complete;
        private readonly byte[] _file;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;
        private int _attempts;

        public FakeFileMaster(Func<byte[], byte[]> cut, bool complete, byte[] file)
        {
            _cut = cut;
            _complete = complete;
            _file = file;
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public NodeProcess? Replica { get; set; }

        /// <summary>The replica's DEBUG DIGEST before it was pointed here.</summary>
        public string? OldDigest { get; set; }

        public bool ReplicaAskedForFiles { get; private set; }

        public bool SawLinkUp { get; private set; }

        public async Task WaitForAttemptsAsync(int attempts)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (Volatile.Read(ref _attempts) < attempts)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"the replica tried {_attempts} times:\n{Replica?.Output}");
                if (Replica is not null && (await ReplicationGroup.InfoAsync(Replica))["master_link_status"] == "up")
                    SawLinkUp = true;
                await Task.Delay(50);
            }
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient peer;
                try
                {
                    peer = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                using (peer)
                {
                    try
                    {
                        await SyncAsync(peer.GetStream());
                    }
                    catch (IOException)
                    {
                        // the replica gave up on this attempt
                    }
                }
                Interlocked.Increment(ref _attempts);
            }
        }

        private async Task SyncAsync(NetworkStream stream)
        {
            var reader = new StreamReader(stream, Encoding.ASCII);
            for (int commands = 0; commands < 4; commands++)   // PING, REPLCONF ×2, PSYNC: answer each
            {
                string? header = await reader.ReadLineAsync();
                if (header is null)
                    return;
                int count = int.Parse(header[1..]);
                for (int i = 0; i < 2 * count; i++)
                {
                    if (await reader.ReadLineAsync() is { } line && line.StartsWith("istore-sst:", StringComparison.Ordinal))
                        ReplicaAskedForFiles = true;
                }
                string answer = commands == 0 ? "+PONG\r\n" : commands < 3 ? "+OK\r\n" : "+FULLRESYNC " + new string('a', 40) + " 100\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
            }
            byte[] payload = Payload(), sent = _cut(payload);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($";{sent.Length}\r\n"));
            await stream.WriteAsync(sent);
            if (_complete)
                await stream.WriteAsync(Encoding.ASCII.GetBytes($";0\r\n{XxHash64.HashToUInt64(sent):x16}\r\n"));
            await stream.FlushAsync();
            if (_complete)
                await Task.Delay(1000);   // the replica closes the link itself once it has refused the files
        }

        /// <summary>No functions (a valid empty FUNCTION DUMP is asked of the replica itself), the one metadata file, the end.</summary>
        private byte[] Payload()
        {
            var bytes = new MemoryStream();
            bytes.WriteByte(245);   // functions
            byte[] functions = FunctionDump();
            bytes.WriteByte((byte)functions.Length);
            bytes.Write(functions);
            bytes.WriteByte(244);   // files
            bytes.WriteByte(8);
            bytes.Write("metadata"u8);
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, _file.Length);
            bytes.Write(length);
            bytes.Write(_file);
            bytes.WriteByte(0);   // no more files
            bytes.WriteByte(0);   // the end
            return bytes.ToArray();
        }

        private byte[] FunctionDump()
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, Replica!.Port);
            var stream = c.GetStream();
            stream.Write("*2\r\n$8\r\nFUNCTION\r\n$4\r\nDUMP\r\n"u8);
            var reply = new List<byte>();
            var buffer = new byte[256];
            while (true)
            {
                int n = stream.Read(buffer);
                reply.AddRange(buffer.AsSpan(0, n).ToArray());
                int headerEnd = reply.IndexOf((byte)'\n');
                if (headerEnd > 0 && int.Parse(Encoding.ASCII.GetString(reply.ToArray(), 1, headerEnd - 2)) is var size && reply.Count >= headerEnd + 1 + size + 2)
                    return reply.GetRange(headerEnd + 1, size).ToArray();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _serving.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        }
    }
}
