using System.Runtime.InteropServices;

namespace GoTraceEngine.Cli;

/// <summary>The Linux calls <c>gotrace trace</c> needs that .NET does not wrap: raising a resource limit, sending SIGINT, and reading bpftrace's clock.</summary>
internal static class Posix
{
    public const int SigInt = 2;

    private const int RlimitMemlock = 8;
    private const ulong Infinity = ulong.MaxValue;
    private const int ClockMonotonic = 1;

    /// <summary>
    /// Raises this process's locked-memory limit to unlimited, which bpftrace (started after, so inheriting it) asks
    /// for at start; returns false when the kernel refuses (no CAP_SYS_RESOURCE and a lower hard limit).
    /// </summary>
    public static bool TryRaiseMemlock()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var limit = new RLimit { Current = Infinity, Maximum = Infinity };
        return SetRLimit(RlimitMemlock, ref limit) == 0;
    }

    /// <summary>Sends <paramref name="signal"/> to a process; false when it is gone or may not be signalled.</summary>
    public static bool Signal(int pid, int signal) => OperatingSystem.IsLinux() && Kill(pid, signal) == 0;

    /// <summary>
    /// The CLOCK_MONOTONIC time in nanoseconds: the clock of bpftrace's <c>nsecs</c>, which stamps the trace's
    /// <c>ts=</c>. 0 where it cannot be read.
    /// </summary>
    public static long MonotonicNanoseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        return ClockGetTime(ClockMonotonic, out TimeSpec now) == 0 ? (now.Seconds * 1_000_000_000) + now.Nanoseconds : 0;
    }

    /// <summary>The conventional name of a signal that kills a process (<c>SIGKILL</c>), or <c>signal N</c>.</summary>
    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => "signal " + signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The most scattered reads one <see cref="ReadWords"/> call makes in one system call (the kernel's IOV_MAX).</summary>
    public const int MaxScatteredReads = 1024;

    /// <summary>EFAULT: an address of the other process is not mapped (the one word is skipped).</summary>
    private const int EFault = 14;

    /// <summary>
    /// Reads a 64-bit word at each of <paramref name="addresses"/> in process <paramref name="pid"/>'s memory into
    /// <paramref name="words"/> (0 where it cannot be read), with <c>process_vm_readv</c>: one system call for up to
    /// <see cref="MaxScatteredReads"/> words, where <c>/proc/PID/mem</c> takes one each. Linux only; needs the right to
    /// trace the process (root, or CAP_SYS_PTRACE).
    /// </summary>
    /// <returns>How many words were read; -1 when the system call is refused (EPERM, ENOSYS, ESRCH: nothing was read).</returns>
    public static int ReadWords(int pid, ReadOnlySpan<ulong> addresses, Span<ulong> words)
    {
        words.Clear();
        int read = 0;
        var remote = new IoVec[Math.Min(addresses.Length, MaxScatteredReads)];
        ulong[] buffer = new ulong[remote.Length];
        GCHandle pinned = GCHandle.Alloc(buffer, GCHandleType.Pinned);
        try
        {
            IoVec[] local = [new IoVec(pinned.AddrOfPinnedObject(), 0)];
            for (int at = 0; at < addresses.Length;)
            {
                int count = Math.Min(remote.Length, addresses.Length - at);
                for (int i = 0; i < count; i++)
                {
                    remote[i] = new IoVec((nint)addresses[at + i], 8);
                }

                local[0] = new IoVec(local[0].Base, (nuint)(count * 8));
                long bytes = ProcessVmReadv(pid, local, 1, remote, (nuint)count, 0);
                if (bytes < 0 && Marshal.GetLastPInvokeError() != EFault)
                {
                    return -1;
                }

                int whole = bytes <= 0 ? 0 : (int)(bytes / 8);
                buffer.AsSpan(0, whole).CopyTo(words[at..]);
                read += whole;

                // A read stops at the first word it cannot read: that one stays 0, and the next read starts after it.
                at += whole < count ? whole + 1 : count;
            }
        }
        finally
        {
            pinned.Free();
        }

        return read;
    }

    [DllImport("libc", EntryPoint = "process_vm_readv", SetLastError = true)]
    private static extern nint ProcessVmReadv(int pid, IoVec[] local, nuint localCount, IoVec[] remote, nuint remoteCount, nuint flags);

    [DllImport("libc", EntryPoint = "setrlimit")]
    private static extern int SetRLimit(int resource, ref RLimit limit);

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct IoVec(nint Base, nuint Length);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
