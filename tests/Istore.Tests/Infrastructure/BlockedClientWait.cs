using System.Diagnostics;

namespace Istore.Tests.Infrastructure;

/// <summary>Waiting for blocking commands to be in place (INFO's blocked_clients), so tests never guess with sleeps.</summary>
public static class BlockedClientWait
{
    public static async Task WaitForBlockedClientsAsync(this RawConnection c, int count)
    {
        var deadline = Stopwatch.StartNew();
        string? seen;
        while ((seen = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "clients")).AsString()!)["blocked_clients"]) != count.ToString())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"blocked_clients stayed {seen}, expected {count}");
            await Task.Delay(10);
        }
    }
}
