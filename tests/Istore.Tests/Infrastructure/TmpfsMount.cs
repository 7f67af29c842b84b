using System.Diagnostics;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted for one test, to fill a file system on purpose; unmounted (and its
/// contents gone) on dispose. Mounting needs root (CAP_SYS_ADMIN): without it the test fails saying so.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount Create(int megabytes)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "istore-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (exitCode != 0)
        {
            Directory.Delete(path);
            Assert.Fail($"this test mounts a {megabytes} MiB tmpfs to fill it and needs root: mount said ({exitCode}) {output}");
        }
        return new TmpfsMount(path);
    }

    /// <summary>Frees space the way an operator would: the same file system, now larger, its files intact.</summary>
    public void Resize(int megabytes)
    {
        var (exitCode, output) = Run("mount", "-o", $"remount,size={megabytes}m", Path);
        Assert.True(exitCode == 0, $"remounting {Path} at {megabytes} MiB failed: {output}");
    }

    private static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    public void Dispose()
    {
        Run("umount", "--lazy", Path);
        Directory.Delete(Path);
    }
}
