namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// The decisions <c>gotrace trace</c> makes from the machine and from bpftrace's messages, tested without changing
/// the machine: mounting tracefs, naming the cause of a failed attach, reading how the program ended.
/// </summary>
public sealed class TraceDecisionTests
{
    [Fact]
    public async Task Tracefs_Mounted_NothingIsRunOrSaid()
    {
        var stderr = new StringWriter();
        string? error = await Tracefs.EnsureAsync(p => p == "/sys/kernel/tracing/uprobe_events", () => throw new InvalidOperationException("mount must not run"), stderr);
        Assert.Null(error);
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public async Task Tracefs_Missing_IsMountedAndSaidInOneLine()
    {
        var mounted = new HashSet<string>(StringComparer.Ordinal);
        int mounts = 0;
        var stderr = new StringWriter { NewLine = "\n" };
        string? error = await Tracefs.EnsureAsync(mounted.Contains, () =>
        {
            mounts++;
            mounted.Add("/sys/kernel/tracing/uprobe_events");
            return Task.FromResult<string?>(null);
        }, stderr);
        Assert.Null(error);
        Assert.Equal(1, mounts);
        Assert.Equal("gotrace: tracefs was not mounted; mounted it for bpftrace (mount -t tracefs nodev /sys/kernel/tracing)\n", stderr.ToString());
    }

    [Fact]
    public async Task Tracefs_MissingAndNotMountable_NamesTheCommandToRun()
    {
        var stderr = new StringWriter();
        string? error = await Tracefs.EnsureAsync(_ => false, () => Task.FromResult<string?>("mount: /sys/kernel/tracing: permission denied."), stderr);
        Assert.Equal("tracefs is not mounted and mounting it failed (mount: /sys/kernel/tracing: permission denied.): run 'mount -t tracefs nodev /sys/kernel/tracing' as root (in a container: on the host, or run the container privileged)", error);
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public async Task Tracefs_MountedWithoutUprobes_SaysTheKernelLacksThem()
    {
        string? error = await Tracefs.EnsureAsync(p => p == "/sys/kernel/tracing/available_events", () => throw new InvalidOperationException("mount must not run"), TextWriter.Null);
        Assert.StartsWith("/sys/kernel/tracing has no uprobe_events", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tracefs_OnThisMachine_IsReadyWhereBpftraceRuns()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/sys/kernel/tracing/uprobe_events"))
        {
            Assert.Skip("tracefs with uprobe_events is not mounted here");
        }

        Assert.Equal(Tracefs.State.Ready, Tracefs.Probe(Path.Exists));
    }

    [Theory]
    [InlineData("stdin:1:1-37: ERROR: tracepoint not found: syscalls:sys_enter_exit_group", "bpftrace cannot find tracefs (tracepoint or uprobe_events missing): run 'mount -t tracefs nodev /sys/kernel/tracing' as root")]
    [InlineData("open(/sys/kernel/tracing/uprobe_events): No such file or directory", "bpftrace cannot find tracefs (tracepoint or uprobe_events missing): run 'mount -t tracefs nodev /sys/kernel/tracing' as root")]
    [InlineData("No probes to attach", "bpftrace found none of the Go runtime functions it probes (runtime.newproc1, runtime.gopark…) in the program: it must be an amd64 Go >= 1.17 binary with its symbol table (not built with -ldflags=-s, not stripped)")]
    [InlineData("ERROR: Error loading program: uprobe:/x:runtime.gopark (try -v): Operation not permitted", "the kernel refused to load or attach the probes (Operation not permitted): run as root with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN, outside a restricted container, with kernel lockdown off")]
    [InlineData("/tmp/t.bt:1:81-96: ERROR: Struct/union of type 'struct task_struct' does not contain a field named 'exit_code'", "bpftrace cannot read the kernel's task structure (no usable BTF at /sys/kernel/btf/vmlinux): use a kernel built with CONFIG_DEBUG_INFO_BTF")]
    [InlineData("ERROR: something new", "bpftrace failed: ERROR: something new")]
    [InlineData("", "bpftrace exited before attaching its probes, without saying why")]
    public void FailedAttach_IsOneLineWithCauseAndFix(string message, string expected)
    {
        string[] lines = ["ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace. If your program is not loading, you can try \"ulimit -l 8192\" to fix the problem", .. message.Length > 0 ? new[] { message } : []];
        Assert.Equal(expected, BpftraceMessages.Diagnose(lines, attachPid: null));
    }

    [Fact]
    public void FailedAttach_ToAProcessThatIsGone_SaysSo()
    {
        Assert.Equal("process 4242 is gone (bpftrace: No such process)", BpftraceMessages.Diagnose(["ERROR: : No such process"], 4242));
    }

    [Fact]
    public void BpftraceNoise_IsTheMemlockWarningAndBlankLines()
    {
        Assert.True(BpftraceMessages.IsNoise("ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace. If your program is not loading, you can try \"ulimit -l 8192\" to fix the problem"));
        Assert.True(BpftraceMessages.IsNoise(""));
        Assert.False(BpftraceMessages.IsNoise("WARNING: Lost 12 events"));
    }

    [Theory]
    [InlineData("newproc1: ts=1 goroutine=c0 parent=0x0\n# exit code=3\nEND: ts=2\n", 3, null)]
    [InlineData("# exit signal=9\n", null, 9)]
    [InlineData("# exit code=x\nEND: ts=2\n", null, null)]
    public void ExitLines_GiveTheCodeOrTheSignal(string trace, int? code, int? signal)
    {
        var engine = new TraceEngine();
        engine.Feed(System.Text.Encoding.UTF8.GetBytes(trace));
        engine.Complete();
        Reporting.ProgramExit? exit = engine.GetSummary().ProgramExit;
        Assert.Equal(code, exit?.Code);
        Assert.Equal(signal, exit?.Signal);
    }
}
