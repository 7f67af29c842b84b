using System.Diagnostics;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted for one test, to fill a file system on purpose; unmounted (and its
/// contents gone) on dispose. Mounting needs root (CAP_SYS_ADMIN): a test run by another user mounts
/// through `sudo -n`, owned by that user; without either the test fails saying so.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount Create(int megabytes)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "istore-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (exitCode, output) = Privileged("mount", "-t", "tmpfs", "-o", $"size={megabytes}m{Owner()}", "tmpfs", path);
        if (exitCode != 0)
        {
            Directory.Delete(path);
            Assert.Fail($"this test mounts a {megabytes} MiB tmpfs to fill it and needs root or password-less sudo: mount said ({exitCode}) {output}");
        }
        return new TmpfsMount(path);
    }

    /// <summary>Frees space the way an operator would: the same file system, now larger, its files intact.</summary>
    public void Resize(int megabytes)
    {
        var (exitCode, output) = Privileged("mount", "-o", $"remount,size={megabytes}m", Path);
        Assert.True(exitCode == 0, $"remounting {Path} at {megabytes} MiB failed: {output}");
    }

    /// <summary>Runs a mount command as root: directly when this process is root, else through password-less sudo.</summary>
    private static (int ExitCode, string Output) Privileged(string program, params string[] args) =>
        Environment.IsPrivilegedProcess ? Run(program, args) : Run("sudo", ["-n", program, .. args]);

    /// <summary>For a test run by another user: the file system belongs to that user, so the node it starts can write there.</summary>
    private static string Owner() =>
        Environment.IsPrivilegedProcess ? "" : $",uid={Run("id", "-u").Output.Trim()},gid={Run("id", "-g").Output.Trim()}";

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
        Privileged("umount", "--lazy", Path);
        Directory.Delete(Path);
    }
}
