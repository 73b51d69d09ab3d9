using System.Diagnostics;

namespace GoTraceEngine.Cli;

/// <summary>
/// bpftrace creates its uprobes in tracefs (<c>uprobe_events</c>) and finds its tracepoints there; a freshly booted
/// machine may not have it mounted. <see cref="EnsureAsync"/> mounts it when it is missing, or says what to run.
/// </summary>
internal static class Tracefs
{
    public const string MountPoint = "/sys/kernel/tracing";

    public const string MountCommand = "mount -t tracefs nodev " + MountPoint;

    /// <summary>What to do about tracefs, from what exists on the machine.</summary>
    internal enum State
    {
        /// <summary>uprobe_events is there (in tracefs, or under debugfs's tracing directory).</summary>
        Ready,

        /// <summary>Nothing is mounted on /sys/kernel/tracing: mount tracefs there.</summary>
        NeedsMount,

        /// <summary>tracefs is mounted but has no uprobe_events: the kernel was built without uprobe events.</summary>
        NoUprobes,
    }

    /// <summary>Decides from the paths that exist (injected, for tests).</summary>
    public static State Probe(Func<string, bool> exists) =>
        exists(MountPoint + "/uprobe_events") || exists("/sys/kernel/debug/tracing/uprobe_events") ? State.Ready
        : exists(MountPoint + "/available_events") ? State.NoUprobes
        : State.NeedsMount;

    /// <summary>
    /// Makes tracefs usable: returns null when it is (saying in one line on <paramref name="stderr"/> when it mounted
    /// it), or the reason it is not, with the fix, for a "cannot trace" line.
    /// </summary>
    /// <param name="exists">Whether a path exists (<see cref="Path.Exists"/>).</param>
    /// <param name="mount">Runs <see cref="MountCommand"/>; returns null on success or why it failed.</param>
    /// <param name="stderr">Where the one line about mounting goes.</param>
    public static async Task<string?> EnsureAsync(Func<string, bool> exists, Func<Task<string?>> mount, TextWriter stderr)
    {
        switch (Probe(exists))
        {
            case State.Ready:
                return null;
            case State.NoUprobes:
                return $"{MountPoint} has no uprobe_events: this kernel was built without uprobe support (CONFIG_UPROBE_EVENTS), which bpftrace needs";
            default:
                string? failure = await mount().ConfigureAwait(false);
                if (failure is null && Probe(exists) == State.Ready)
                {
                    await stderr.WriteLineAsync($"gotrace: tracefs was not mounted; mounted it for bpftrace ({MountCommand})").ConfigureAwait(false);
                    return null;
                }

                return $"tracefs is not mounted and mounting it failed ({failure ?? "no uprobe_events after mounting"}): run '{MountCommand}' as root (in a container: on the host, or run the container privileged)";
        }
    }

    /// <summary>Runs <see cref="MountCommand"/>; null on success, else mount's message.</summary>
    public static async Task<string?> MountAsync()
    {
        try
        {
            using Process? mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tracefs", "nodev", MountPoint])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (mount is null)
            {
                return "cannot start mount";
            }

            string error = await mount.StandardError.ReadToEndAsync().ConfigureAwait(false);
            await mount.WaitForExitAsync().ConfigureAwait(false);
            return mount.ExitCode == 0 ? null : string.Join(' ', error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the mount command is not installed";
        }
    }
}
