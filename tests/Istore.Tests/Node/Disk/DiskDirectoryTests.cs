using Istore.Node.Engine.Disk;
using Istore.Node.Engine.Disk.Native;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// A data directory the disk engine cannot trust, or a missing librocksdb.so, stops the node at
/// start-up with exit code 1 and a message saying what is wrong: never an empty database in its place.
/// </summary>
public class DiskDirectoryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_directory, "disk", "db");

    [Fact]
    public async Task Files_that_are_not_a_database_are_refused()
    {
        Directory.CreateDirectory(DbPath);
        File.WriteAllText(Path.Combine(DbPath, "notes.txt"), "someone else's files");
        await AssertRefusedAsync("holds files but no RocksDB database");
        Assert.True(File.Exists(Path.Combine(DbPath, "notes.txt")));
    }

    [Fact]
    public async Task Another_programs_rocksdb_is_refused()
    {
        Directory.CreateDirectory(DbPath);
        using (RocksDb.Open(DbPath, new DatabaseOptions(1 << 20, 1 << 20), [new ColumnFamilyOptions("default"), new ColumnFamilyOptions("theirs")]))
        {
        }
        await AssertRefusedAsync("is a RocksDB database of another program (column families: default, theirs)");
    }

    [Fact]
    public async Task A_database_without_the_format_record_is_refused()
    {
        Directory.CreateDirectory(DbPath);
        using (RocksDb.Open(DbPath, new DatabaseOptions(1 << 20, 1 << 20), DiskFormat.Families.Select(f => new ColumnFamilyOptions(f)).ToList()))
        {
        }
        await AssertRefusedAsync("has no istore format record");
    }

    [Fact]
    public async Task A_node_killed_while_making_its_database_starts_there_again()
    {
        // What a kill between creating the families and writing the format record leaves behind:
        // the empty directory and a half-made database beside it.
        string staging = DbPath + ".creating";
        Directory.CreateDirectory(DbPath);
        Directory.CreateDirectory(staging);
        using (RocksDb.Open(staging, new DatabaseOptions(1 << 20, 1 << 20), DiskFormat.Families.Select(f => new ColumnFamilyOptions(f)).ToList()))
        {
        }
        await using var node = await NodeProcess.StartAsync(["--engine", "disk"], _directory);
        await using (var c = await node.ConnectAsync())
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k", "v"));
        Assert.False(Directory.Exists(staging));
        Assert.Equal(0, await node.TerminateAsync());
        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
            Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "k"));
    }

    [Fact]
    public async Task A_corrupt_database_is_refused_with_rocksdbs_message()
    {
        await using (var node = await NodeProcess.StartAsync(["--engine", "disk"], _directory))
        {
            await using var c = await node.ConnectAsync();
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k", "v"));
            Assert.Equal(0, await node.TerminateAsync());
        }
        foreach (var manifest in Directory.GetFiles(DbPath, "MANIFEST-*"))
            File.WriteAllBytes(manifest, new byte[4096]);
        await AssertRefusedAsync("RocksDB: Corruption");
    }

    [Fact]
    public async Task A_missing_native_library_is_a_clear_error()
    {
        // The node binary and its files, without librocksdb.so.
        string binary = NodeProcess.BinaryPath, copy = Path.Combine(_directory, "bin");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(binary)!))
        {
            if (!Path.GetFileName(file).StartsWith("librocksdb", StringComparison.Ordinal))
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        var (exit, output) = await NodeProcess.RunToExitAsync(Path.Combine(copy, Path.GetFileName(binary)), ["--engine", "disk", "--dir", Path.Combine(_directory, "data"), "--port", "0"]);
        Assert.Equal(1, exit);
        Assert.Contains("the disk engine needs RocksDB's native library (librocksdb.so beside istore-node)", output);
    }

    private async Task AssertRefusedAsync(string message)
    {
        var (exit, output) = await NodeProcess.RunToExitAsync(NodeProcess.BinaryPath, ["--engine", "disk", "--dir", _directory, "--port", "0"]);
        Assert.Equal(1, exit);
        Assert.Contains("Cannot start", output);
        Assert.Contains(message, output);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
