using System.Buffers;
using System.Diagnostics;
using System.Reflection;
using Istore.Net.Client;
using Istore.Net.Resp;
namespace Istore.Tests.Net;
public class ZzScratchStress
{
    [Fact]
    public async Task Stress()
    {
        using var server = new RedisServerFixture();
        await using var client = await server.ConnectAsync();
        var log = new System.Text.StringBuilder();
        var fOut = typeof(RespClient).GetField("_outgoing", BindingFlags.NonPublic | BindingFlags.Instance)!;
        var fFl = typeof(RespClient).GetField("_flushing", BindingFlags.NonPublic | BindingFlags.Instance)!;
        for (int round = 0; round < 40; round++)
        {
            var sw = Stopwatch.StartNew();
            var tasks = new Task<RespValue>[20000];
            for (int i = 0; i < tasks.Length; i++) tasks[i] = client.ExecuteAsync("INCR", "k");
            var enq = sw.Elapsed.TotalMilliseconds;
            while (!tasks[^1].IsCompleted)
            {
                await Task.Delay(100);
                if (!tasks[^1].IsCompleted && sw.ElapsedMilliseconds > 200)
                {
                    log.AppendLine($"  stall t={sw.ElapsedMilliseconds} pending={client.PendingCount} outgoing={((ArrayBufferWriter<byte>)fOut.GetValue(client)!).WrittenCount} flushing={fFl.GetValue(client)} threads={ThreadPool.ThreadCount} queued={ThreadPool.PendingWorkItemCount}");
                    var p = Process.Start(new ProcessStartInfo("redis-cli", $"-p {server.Port} client list") { RedirectStandardOutput = true })!;
                    log.AppendLine("  " + p.StandardOutput.ReadToEnd()); p.WaitForExit();
                }
            }
            var last = sw.Elapsed.TotalMilliseconds;
            await Task.WhenAll(tasks);
            if (last > 100) log.AppendLine($"round {round} enqueue {enq:F1}ms last {last:F1}ms all {sw.Elapsed.TotalMilliseconds:F1}ms");
        }
        throw new Exception(log.ToString());
    }
}
