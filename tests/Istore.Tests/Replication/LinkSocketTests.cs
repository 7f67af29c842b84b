using System.Globalization;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

/// <summary>
/// Both ends of a replication link read and write their socket on threads of their own with
/// blocking calls. A .NET socket that is non-blocking underneath emulates those calls through the
/// runtime's epoll thread and thread pool (a wake-up of two threads per read: a sixth of a busy
/// replica's CPU once); such a socket shows up registered in an epoll set of its process, which
/// Linux lists in /proc/PID/fdinfo.
/// </summary>
public sealed class LinkSocketTests
{
    [Fact]
    public async Task Neither_end_of_a_replication_link_waits_through_an_epoll_set()
    {
        await using var group = await ReplicationGroup.StartAsync("memory", replicas: 1);
        var replica = group.Replicas[0];
        await ReplicationWorkload.WriteAsync(group.Master, "link", 50);
        // The master has an acknowledgement: its reader waited for it, and the replica's link for the stream.
        Assert.Equal(":1\r\n", await ReplicationGroup.CommandAsync(group.Master, "WAIT", "1", "5000"));

        int masterEnd = LinkFd(group.Master.Pid, localPort: group.Master.Port, remotePort: null);
        int replicaEnd = LinkFd(replica.Pid, localPort: null, remotePort: group.Master.Port);
        Assert.DoesNotContain(masterEnd, EpollRegistered(group.Master.Pid));
        Assert.DoesNotContain(replicaEnd, EpollRegistered(replica.Pid));
    }

    /// <summary>The fd of the one established TCP socket of <paramref name="pid"/> with that local or remote port.</summary>
    private static int LinkFd(int pid, int? localPort, int? remotePort)
    {
        var inodes = new HashSet<string>();
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1).Concat(File.ReadLines("/proc/net/tcp6").Skip(1)))
        {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f[3] != "01")
                continue;
            if ((localPort is null || Port(f[1]) == localPort) && (remotePort is null || Port(f[2]) == remotePort))
                inodes.Add(f[9]);
        }
        var fds = Directory.GetFiles($"/proc/{pid}/fd")
            .Where(fd => File.ResolveLinkTarget(fd, false)?.FullName is { } target && inodes.Any(i => target.EndsWith($"socket:[{i}]", StringComparison.Ordinal)))
            .Select(fd => int.Parse(Path.GetFileName(fd), CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(fds.Count == 1, $"process {pid}: {fds.Count} established sockets on that port");
        return fds[0];
    }

    private static int Port(string address) => int.Parse(address[(address.IndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Every fd that some epoll set of <paramref name="pid"/> watches ("tfd:" lines of its fdinfo).</summary>
    private static HashSet<int> EpollRegistered(int pid)
    {
        var watched = new HashSet<int>();
        int epolls = 0;
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            if (File.ResolveLinkTarget(fd, false)?.FullName.EndsWith("[eventpoll]", StringComparison.Ordinal) != true)
                continue;
            epolls++;
            foreach (var line in File.ReadLines($"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}"))
                if (line.StartsWith("tfd:", StringComparison.Ordinal))
                    watched.Add(int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
        }
        Assert.True(epolls > 0, $"process {pid} has no epoll set: its event loops have one each");
        return watched;
    }
}
