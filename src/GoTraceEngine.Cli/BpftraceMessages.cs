namespace GoTraceEngine.Cli;

/// <summary>
/// What bpftrace writes on its own stderr and stdout, sorted for <c>gotrace trace</c>: noise that is dropped, and the
/// errors that stop it from attaching, turned into one line that names the cause and the fix.
/// </summary>
internal static class BpftraceMessages
{
    private const string Memlock = "couldn't set RLIMIT_MEMLOCK";

    /// <summary>
    /// Lines not worth showing: blank lines (bpftrace prints two on exit), and its warning that it could not raise
    /// RLIMIT_MEMLOCK (gotrace raises it first where the kernel allows; kernels since 5.11 charge BPF memory to the
    /// cgroup, so the limit does not matter; when it did, map creation fails and <see cref="Diagnose"/> says so).
    /// </summary>
    public static bool IsNoise(string line) => string.IsNullOrWhiteSpace(line) || line.Contains(Memlock, StringComparison.Ordinal);

    /// <summary>The cause and fix of a failed start, from everything bpftrace printed; never null.</summary>
    public static string Diagnose(IReadOnlyList<string> lines, int? attachPid)
    {
        string all = string.Join('\n', lines);
        bool Has(string s) => all.Contains(s, StringComparison.OrdinalIgnoreCase);

        if (Has("tracepoint not found") || Has("uprobe_events") || Has("kprobe_events") || Has("available_events"))
        {
            return $"bpftrace cannot find tracefs (tracepoint or uprobe_events missing): run '{Tracefs.MountCommand}' as root";
        }

        if (attachPid is { } pid && (Has("No such process") || Has("does not exist")))
        {
            return $"process {pid} is gone (bpftrace: No such process)";
        }

        if (Has("No probes to attach") || Has("Could not resolve symbol") || Has("couldn't find symbol") || Has("not found in"))
        {
            return "bpftrace found none of the Go runtime functions it probes (runtime.newproc1, runtime.gopark…) in the program: it must be an amd64 Go >= 1.17 binary with its symbol table (not built with -ldflags=-s, not stripped)";
        }

        if (Has("does not contain a field") || Has("BTF") || Has("Unknown struct"))
        {
            return "bpftrace cannot read the kernel's task structure (no usable BTF at /sys/kernel/btf/vmlinux): use a kernel built with CONFIG_DEBUG_INFO_BTF";
        }

        if (Has("map") && (Has("Operation not permitted") || Has("Cannot allocate memory")) && lines.Any(l => l.Contains(Memlock, StringComparison.Ordinal)))
        {
            return "bpftrace could not create its maps under the locked-memory limit: run 'ulimit -l unlimited' (as root, with CAP_SYS_RESOURCE) before gotrace";
        }

        if (Has("Operation not permitted") || Has("Permission denied"))
        {
            return "the kernel refused to load or attach the probes (Operation not permitted): run as root with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN, outside a restricted container, with kernel lockdown off";
        }

        string? first = lines.FirstOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal) && !l.Contains(Memlock, StringComparison.Ordinal))
            ?? lines.FirstOrDefault(l => !IsNoise(l));
        return first is null
            ? "bpftrace exited before attaching its probes, without saying why"
            : "bpftrace failed: " + first.Trim();
    }
}
