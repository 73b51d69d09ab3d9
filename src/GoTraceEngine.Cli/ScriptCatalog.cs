using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli;

/// <summary>The tracer scripts shipped in <c>scripts/</c>, embedded in the tool, and how their placeholders are filled.</summary>
internal static partial class ScriptCatalog
{
    /// <summary>The offsets of Go 1.17 to 1.21 on 64-bit platforms, for scripts printed without a binary to read.</summary>
    public static GOffsets DefaultOffsets { get; } = new(152, 296, 312);

    /// <summary>The resource name of the script for a tracer, architecture and Go version, or null when there is none.</summary>
    public static string? ScriptName(string tracer, string arch, GoVersion go) => (tracer, arch) switch
    {
        ("bpftrace", "amd64") when go >= new GoVersion(1, 22) => "bpftrace/go1.22-amd64.bt",
        ("bpftrace", "amd64") when go >= new GoVersion(1, 17) => "bpftrace/go1.17-1.21-amd64.bt",
        ("dtrace", "amd64") when go >= new GoVersion(1, 17) => "dtrace/go-amd64.d",
        ("dtrace", "arm64") when go >= new GoVersion(1, 18) => "dtrace/go-arm64.d",
        _ => null,
    };

    public static IEnumerable<string> All => ["bpftrace/go1.17-1.21-amd64.bt", "bpftrace/go1.22-amd64.bt", "dtrace/go-amd64.d", "dtrace/go-arm64.d"];

    public static string Read(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("scripts/" + name)
            ?? throw new InvalidOperationException($"The script {name} is not embedded in the tool.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Fills the placeholders: the binary's path (bpftrace), Go version, OS, destroy function and g offsets. Without
    /// <paramref name="kernelBtf"/> the probes that read kernel structures (between <c>// gotrace:btf</c> and
    /// <c>// gotrace:end-btf</c>) are left out; with <paramref name="attachPid"/> (bpftrace <c>-p</c>) every probe is
    /// filtered to that process instead of the one bpftrace starts (<c>cpid</c>), and the probes between
    /// <c>// gotrace:attached</c> and <c>// gotrace:end-attached</c> replace those between <c>// gotrace:from-start</c>
    /// and <c>// gotrace:end-from-start</c> (parks that name their goroutine, which was likely created before the trace). With <paramref name="rawPcs"/> a
    /// bpftrace script prints <c>fn=</c> and <c>creator=</c> as raw pcs (<c>0x…</c>) instead of <c>usym</c> names, for
    /// gotrace to name (<see cref="TraceSymbolizer"/>): bpftrace 0.17 resolves <c>usym</c> when it prints, which fails
    /// (or aborts it) once the program has exited with events still buffered.
    /// </summary>
    public static string Render(string name, GoVersion go, string goText, GOffsets offsets, string? binary, string os, bool kernelBtf = true, int? attachPid = null, bool rawPcs = false)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        string text = Read(name);
        if (rawPcs)
        {
            text = text.Replace("fn=%s creator=%s", "fn=0x%lx creator=0x%lx", StringComparison.Ordinal).Replace("usym(", "(", StringComparison.Ordinal);
        }

        if (!kernelBtf)
        {
            text = BtfBlock().Replace(text, string.Empty);
        }

        if (attachPid is { } pid)
        {
            text = FromStartBlock().Replace(text, string.Empty).Replace("pid == cpid", "pid == " + pid.ToString(c), StringComparison.Ordinal);
        }
        else
        {
            text = AttachedBlock().Replace(text, string.Empty);
        }

        text = text
            .Replace("@GO@", goText, StringComparison.Ordinal)
            .Replace("@OS@", os, StringComparison.Ordinal)
            .Replace("@DESTROY@", go >= new GoVersion(1, 22) ? "gdestroy" : "goexit0", StringComparison.Ordinal)
            .Replace("@GOID@", offsets.GoId.ToString(c), StringComparison.Ordinal)
            .Replace("@GOPC@", offsets.GoPc.ToString(c), StringComparison.Ordinal)
            .Replace("@STARTPC@", offsets.StartPc.ToString(c), StringComparison.Ordinal);
        return binary is null ? text : text.Replace("@BINARY@", binary, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^// gotrace:btf\n.*?^// gotrace:end-btf\n", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BtfBlock();

    /// <summary>The probes for a program the tracer starts (<c>// gotrace:from-start</c>): every goroutine is seen created.</summary>
    [GeneratedRegex(@"^// gotrace:from-start\n.*?^// gotrace:end-from-start\n", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FromStartBlock();

    /// <summary>The probes for a program attached to (<c>// gotrace:attached</c>): parks also name their goroutine.</summary>
    [GeneratedRegex(@"^// gotrace:attached\n.*?^// gotrace:end-attached\n", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex AttachedBlock();
}
