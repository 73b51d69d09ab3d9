using System.Diagnostics;
using System.Globalization;
using System.Text;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli;

/// <summary>The offsets of the <c>runtime.g</c> fields the tracer scripts read, from a binary's DWARF.</summary>
/// <param name="GoId">g.goid.</param>
/// <param name="GoPc">g.gopc: the PC of the go statement.</param>
/// <param name="StartPc">g.startpc: the goroutine's function.</param>
internal sealed record GOffsets(int GoId, int GoPc, int StartPc)
{
    /// <summary>g.atomicstatus (a uint32: 4 is waiting), for reading goroutines out of a running process; null when the DWARF lacks it.</summary>
    public int? Status { get; init; }

    /// <summary>g.waitreason (a uint8 of the runtime's waitReason enum), or null.</summary>
    public int? WaitReason { get; init; }

    /// <summary>g.waitsince (an int64 on the runtime's nanotime clock: about when the goroutine began to wait, set by a GC), or null.</summary>
    public int? WaitSince { get; init; }

    /// <summary>g.waiting (the <c>*sudog</c> a goroutine blocked on a channel waits in), or null.</summary>
    public int? Waiting { get; init; }

    /// <summary>sudog.g (the goroutine waiting in it), or null.</summary>
    public int? SudogG { get; init; }

    /// <summary>sudog.c (the <c>*hchan</c> it waits on; from Go 1.26 a struct whose second word it is), or null.</summary>
    public int? SudogChannel { get; init; }

    /// <summary>hchan.lock: a channel operation parks with <c>&amp;c.lock</c> as gopark's lock argument, the trace's <c>obj=</c>.</summary>
    public int? ChannelLock { get; init; }
}

/// <summary>Reads what tracing needs from a Go executable: its architecture, its Go version, the g struct layout.</summary>
internal static class GoBinary
{
    /// <summary>"\xff Go buildinf:" (the first byte is 0xFF, not UTF-8).</summary>
    private static ReadOnlySpan<byte> BuildInfoMagic => [0xFF, 0x20, 0x47, 0x6F, 0x20, 0x62, 0x75, 0x69, 0x6C, 0x64, 0x69, 0x6E, 0x66, 0x3A];

    private static ReadOnlySpan<byte> ElfMagic => [0x7F, 0x45, 0x4C, 0x46];

    /// <summary>The ELF machine: "amd64", "arm64", or null when the file is not ELF.</summary>
    public static string? ElfArchitecture(ReadOnlySpan<byte> file)
    {
        if (file.Length < 20 || !file.StartsWith(ElfMagic))
        {
            return null;
        }

        ushort machine = (ushort)(file[18] | (file[19] << 8));
        return machine switch { 0x3E => "amd64", 0xB7 => "arm64", _ => "other" };
    }

    /// <summary>The Go version recorded in the binary's build info (<c>go1.19.8</c>), or null when it is not a Go binary.</summary>
    public static string? GoVersion(ReadOnlySpan<byte> file)
    {
        int at = file.IndexOf(BuildInfoMagic);
        if (at < 0 || at + 32 >= file.Length)
        {
            return null;
        }

        byte flags = file[at + 15];
        if ((flags & 2) == 0)
        {
            // Before Go 1.18 the version is behind a pointer; those releases are older than the register ABI anyway.
            return "go1.17-or-older";
        }

        ReadOnlySpan<byte> rest = file[(at + 32)..];
        ulong length = 0;
        int shift = 0, i = 0;
        while (i < rest.Length && i < 10)
        {
            byte b = rest[i++];
            length |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }

            shift += 7;
        }

        return length is > 0 and < 64 && i + (int)length <= rest.Length ? Encoding.ASCII.GetString(rest.Slice(i, (int)length)) : null;
    }

    /// <summary>
    /// Reads the offsets of g.goid, g.gopc and g.startpc (and of g.atomicstatus, g.waitreason, g.waitsince, g.waiting,
    /// sudog.c and hchan.lock when the DWARF has them) with <c>readelf --debug-dump=info</c>.
    /// </summary>
    public static GOffsets? ReadGOffsets(string path, out string? error)
    {
        error = null;
        var start = new ProcessStartInfo("readelf", ["--debug-dump=info", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            error = "readelf is not installed (binutils): it reads the g struct's layout from the binary's DWARF";
            return null;
        }

        if (process is null)
        {
            error = "cannot start readelf";
            return null;
        }

        using (process)
        {
            // The members of the structs read, by struct; a struct's DIE is at depth 1, its members at depth 2.
            var members = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal)
            {
                ["runtime.g"] = [],
                ["runtime.sudog"] = [],
                ["runtime.hchan"] = [],
            };
            int left = members.Count;
            Dictionary<string, int>? current = null;
            bool structure = false;
            string? member = null;
            string? line;
            while (left > 0 && (line = process.StandardOutput.ReadLine()) is not null)
            {
                if (line.StartsWith(" <1>", StringComparison.Ordinal))
                {
                    // A new top-level DIE: the struct being read, if any, is done.
                    left -= current is { Count: > 0 } ? 1 : 0;
                    current = null;
                    structure = line.EndsWith("(DW_TAG_structure_type)", StringComparison.Ordinal);
                    continue;
                }

                int name = line.IndexOf("DW_AT_name        : ", StringComparison.Ordinal);
                if (name >= 0)
                {
                    string text = line[(name + 20)..].Trim();
                    if (structure && current is null)
                    {
                        structure = false;
                        current = members.TryGetValue(text, out Dictionary<string, int>? wanted) && wanted.Count == 0 ? wanted : null;
                    }
                    else
                    {
                        member = text;
                    }

                    continue;
                }

                int location = line.IndexOf("DW_AT_data_member_location: ", StringComparison.Ordinal);
                if (location >= 0 && current is not null && member is not null
                    && int.TryParse(line.AsSpan(location + 28).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int offset))
                {
                    current.TryAdd(member, offset);
                    member = null;
                }
            }

            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Dictionary<string, int> g = members["runtime.g"];
            if (g.TryGetValue("goid", out int a) && g.TryGetValue("gopc", out int b) && g.TryGetValue("startpc", out int c))
            {
                return new GOffsets(a, b, c)
                {
                    Status = Find(g, "atomicstatus"),
                    WaitReason = Find(g, "waitreason"),
                    WaitSince = Find(g, "waitsince"),
                    Waiting = Find(g, "waiting"),
                    SudogG = Find(members["runtime.sudog"], "g"),
                    SudogChannel = Find(members["runtime.sudog"], "c"),
                    ChannelLock = Find(members["runtime.hchan"], "lock"),
                };
            }

            error = "the binary has no DWARF for runtime.g (built with -ldflags=-w or stripped?)";
            return null;
        }

        static int? Find(Dictionary<string, int> offsets, string name) => offsets.TryGetValue(name, out int offset) ? offset : null;
    }

    /// <summary>Parses a build-info version (<c>go1.19.8</c>, <c>devel go1.23-…</c>) into major.minor.</summary>
    public static bool TryParseVersion(string? text, out GoVersion version)
    {
        version = default;
        if (text is null)
        {
            return false;
        }

        int at = text.IndexOf("go1.", StringComparison.Ordinal);
        return at >= 0 && State.GoVersion.TryParse(text.AsSpan(at), out version);
    }
}
