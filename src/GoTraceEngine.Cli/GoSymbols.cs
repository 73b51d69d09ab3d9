using System.Buffers.Binary;
using System.Globalization;

namespace GoTraceEngine.Cli;

/// <summary>A compiler wrapper a goroutine can start at, and the function Go's tracebacks show in its place.</summary>
/// <param name="Wrapper">The wrapper's symbol as the runtime prints it (type arguments as <c>[...]</c>), as the engine interns <c>fn=</c>.</param>
/// <param name="Wrapped">The wrapped function as the runtime prints it (type arguments as <c>[...]</c>).</param>
internal readonly record struct GoWrapper(string Wrapper, string Wrapped);

/// <summary>A <c>go</c> statement: the pc a goroutine created there has in <c>g.gopc</c>, and what a Go traceback prints for it.</summary>
/// <param name="Pc">The return address of the call to <c>runtime.newproc</c> (the runtime's <c>g.gopc</c>).</param>
/// <param name="Function">The function holding the statement, as <c>created by</c> prints it.</param>
/// <param name="File">The source file, as recorded in the binary.</param>
/// <param name="Line">The source line of the <c>go</c> statement (of <c>pc - 1</c>, as the runtime's traceback looks it up).</param>
internal readonly record struct GoStatementSite(ulong Pc, string Function, string File, int Line);

/// <summary>
/// The Go-native names of a binary, resolved once from its own tables (ELF symbols and <c>.gopclntab</c>, so
/// neither DWARF nor binutils is needed): which start functions are compiler wrappers for <c>go f(args)</c> and
/// what the runtime shows instead, and the file:line of every <c>go</c> statement. Written into traces as
/// <c># gotrace wrapper</c> and <c># gotrace site</c> lines (see <see cref="Lines"/>). Immutable.
/// </summary>
/// <remarks>
/// Wrappers are the functions carrying Go's <c>FUNCDATA_WrapInfo</c> (Go ≥ 1.18: <c>main.F.funcN</c> wrappers up
/// to Go 1.20, <c>main.F.gowrapN</c> from 1.21, method-value <c>-fm</c> wrappers): the compiler records the
/// function the wrapper calls or inlines, the frame Go tracebacks show at the bottom of the goroutine's stack since
/// they hide the wrapper's own. Sites are found by scanning the code for direct calls to <c>runtime.newproc</c> (and
/// <c>runtime.newcoro</c>); the pc after each call is what the runtime stores in <c>g.gopc</c>.
/// </remarks>
internal sealed class GoSymbols
{
    private static readonly string[] s_creators = ["runtime.newproc", "runtime.newcoro"];

    private readonly GoPclnTab _table;
    private readonly ElfImage _elf;

    private GoSymbols(ElfImage elf, GoPclnTab table, IReadOnlyList<GoWrapper> wrappers, IReadOnlyList<GoStatementSite> sites, bool positionIndependent)
    {
        _elf = elf;
        _table = table;
        Wrappers = wrappers;
        Sites = sites;
        IsPositionIndependent = positionIndependent;
    }

    /// <summary>Every go-statement wrapper of the binary with its wrapped function, sorted by wrapper name.</summary>
    public IReadOnlyList<GoWrapper> Wrappers { get; }

    /// <summary>Every <c>go</c> statement of the binary, by pc. Empty for a position-independent executable (see <see cref="IsPositionIndependent"/>).</summary>
    public IReadOnlyList<GoStatementSite> Sites { get; }

    /// <summary>
    /// A PIE is loaded at an address chosen at run time, so the pcs the tracer reads (<c>gopc=</c>) are not the
    /// binary's: no site lines can match them.
    /// </summary>
    public bool IsPositionIndependent { get; }

    /// <summary>Reads a binary; null with one line saying why when it cannot be read or is not an amd64 Go ELF binary with a symbol table.</summary>
    public static GoSymbols? Read(string path, out string? error)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read '{path}': {Replay.Describe(e)}";
            return null;
        }

        return Read(bytes, path, out error);
    }

    /// <summary>Reads a binary already in memory (see <see cref="Read(string, out string?)"/>).</summary>
    public static GoSymbols? Read(byte[] bytes, string path, out string? error)
    {
        ElfImage? elf = ElfImage.Read(bytes, out error);
        if (elf is null)
        {
            error = $"'{path}' is {error}";
            return null;
        }

        if (elf.Machine != 0x3E)
        {
            error = $"'{path}' is not an amd64 binary: gotrace resolves Go names in linux/amd64 binaries";
            return null;
        }

        try
        {
            GoPclnTab? table = GoPclnTab.Read(elf, out error);
            if (table is null)
            {
                error = $"'{path}' is not a Go program: {error}";
                return null;
            }

            if (!elf.HasSymbolTable)
            {
                error = $"'{path}' has no symbol table (built with -ldflags=-s, or stripped): tracers cannot name its functions; rebuild without -s and do not strip it";
                return null;
            }

            return new GoSymbols(elf, table, FindWrappers(elf, table), elf.IsPositionIndependent ? [] : FindSites(elf, table), elf.IsPositionIndependent);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            error = $"'{path}': its Go function table is malformed";
            return null;
        }
    }

    /// <summary>
    /// A function name as Go tracebacks print it: the type arguments of a generic function become <c>[...]</c>
    /// (the runtime's <c>funcNamePiecesForPrint</c>: from the first <c>[</c> to the last <c>]</c>). The symbol lines are
    /// written with it (a struct shape's blanks would split them); the engine reduces every name it reads the same way
    /// (its <c>EventFieldParser.PrintedName</c>, on bytes, internal to the library).
    /// </summary>
    public static string PrintName(string name)
    {
        int open = name.IndexOf('[', StringComparison.Ordinal);
        int close = name.LastIndexOf(']');
        return open < 0 || close <= open ? name : string.Concat(name.AsSpan(0, open), "[...]", name.AsSpan(close + 1));
    }

    /// <summary>The function a start function runs as Go shows it: the wrapped function of a wrapper, else the name itself (printed).</summary>
    public string Unwrap(string startFunction)
    {
        string printed = PrintName(startFunction);
        foreach (GoWrapper w in Wrappers)
        {
            if (w.Wrapper == printed)
            {
                return w.Wrapped;
            }
        }

        return printed;
    }

    /// <summary>
    /// The function holding <paramref name="pc"/> named as symbolisers print it (bpftrace <c>usym</c>: the ELF
    /// symbol, without an offset), or null when no function holds it.
    /// </summary>
    public string? SymbolAt(ulong pc)
    {
        int f = _table.FindFunction(pc);
        return f < 0 ? null : _elf.FunctionAt(_table.Entry(f)) ?? _table.Name(f);
    }

    /// <summary>The address of a symbol (a function or a variable, such as <c>runtime.allgs</c>), or null.</summary>
    public ulong? Symbol(string name) => _elf.Symbol(name);

    /// <summary>What a Go traceback prints under <c>created by</c> for a goroutine whose <c>g.gopc</c> is <paramref name="gopc"/>, or null.</summary>
    public GoStatementSite? ResolveCreator(ulong gopc) => ResolveCreator(_table, gopc);

    /// <summary>
    /// The trace lines that carry these names, wrappers first:
    /// <c># gotrace wrapper WRAPPER WRAPPED</c> and <c># gotrace site 0xPC FUNCTION FILE:LINE</c>.
    /// </summary>
    public IEnumerable<string> Lines()
    {
        foreach (GoWrapper w in Wrappers)
        {
            yield return $"# gotrace wrapper {w.Wrapper} {w.Wrapped}";
        }

        foreach (GoStatementSite s in Sites)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"# gotrace site 0x{s.Pc:x} {s.Function} {s.File}:{s.Line}");
        }
    }

    private static GoStatementSite? ResolveCreator(GoPclnTab table, ulong gopc)
    {
        int f = table.FindFunction(gopc);
        if (f < 0)
        {
            return null;
        }

        // The runtime backs up to the call instruction before looking the line up (printcreatedby).
        ulong entry = table.Entry(f);
        return table.SourceLine(f, gopc > entry ? gopc - 1 : gopc) is { } source
            ? new GoStatementSite(gopc, PrintName(table.Name(f)), source.File, source.Line)
            : null;
    }

    private static List<GoWrapper> FindWrappers(ElfImage elf, GoPclnTab table)
    {
        // Instantiations of a generic function share their printed name; keep a name only when they agree.
        var byName = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < table.Count; i++)
        {
            int wrapped = table.WrappedFunction(i);
            if (wrapped < 0)
            {
                continue;
            }

            string symbol = elf.FunctionAt(table.Entry(i)) ?? table.Name(i);
            if (symbol.Contains(".deferwrap", StringComparison.Ordinal))
            {
                continue; // Runs deferred calls; never a goroutine's start function.
            }

            string key = PrintName(symbol);
            string name = PrintName(table.Name(wrapped));
            byName[key] = byName.TryGetValue(key, out string? seen) && seen != name ? null : name;
        }

        return [.. byName.Where(p => p.Value is not null).Select(p => new GoWrapper(p.Key, p.Value!)).OrderBy(w => w.Wrapper, StringComparer.Ordinal)];
    }

    private static List<GoStatementSite> FindSites(ElfImage elf, GoPclnTab table)
    {
        var targets = new HashSet<ulong>();
        foreach (string name in s_creators)
        {
            if (elf.Symbol(name) is { } address)
            {
                targets.Add(address);
            }
        }

        var sites = new List<GoStatementSite>();
        if (targets.Count == 0 || !elf.TryGetSection(".text", out ElfSection text))
        {
            return sites;
        }

        // A direct call is E8 and a 32-bit displacement from the next instruction. Every byte offset is tried: a
        // stray E8 inside another instruction would also need its next four bytes to land exactly on newproc.
        ReadOnlySpan<byte> code = elf.Bytes.AsSpan((int)text.Offset, (int)text.Size);
        for (int i = 0; i + 5 <= code.Length; i++)
        {
            if (code[i] != 0xE8)
            {
                continue;
            }

            ulong next = text.Address + (ulong)i + 5;
            ulong target = next + (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(code[(i + 1)..]);
            if (targets.Contains(target) && ResolveCreator(table, next) is { } site)
            {
                sites.Add(site);
            }
        }

        return sites;
    }
}
