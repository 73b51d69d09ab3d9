using System.Buffers.Binary;

namespace GoTraceEngine.Cli;

/// <summary>
/// A Go binary's own function table (<c>.gopclntab</c>, the table the runtime's tracebacks read): every function's
/// entry, name and function data, and its pc → file:line tables. Formats of Go 1.18–1.19 (magic 0xFFFFFFF0) and
/// Go 1.20 and later (0xFFFFFFF1; checked up to 1.27). Immutable after <see cref="Read"/>.
/// </summary>
/// <remarks>The layout is <c>runtime/symtab.go</c>'s <c>pcHeader</c>, <c>functab</c> and <c>_func</c>.</remarks>
internal sealed class GoPclnTab
{
    /// <summary><c>FUNCDATA_WrapInfo</c>: on a compiler wrapper (a <c>go</c>/<c>defer</c> wrapper), the wrapped function's text offset.</summary>
    public const int FuncDataWrapInfo = 7;

    private const uint Magic118 = 0xFFFFFFF0;
    private const uint Magic120 = 0xFFFFFFF1;
    private const uint NoData = uint.MaxValue;

    private readonly byte[] _b;
    private readonly int _table;
    private readonly int _funcNames;
    private readonly int _cuTab;
    private readonly int _fileTab;
    private readonly int _pcTab;
    private readonly int _funcTab;
    private readonly int _funcCount;
    private readonly bool _go120;
    private readonly ulong _goFunc;
    private readonly ElfImage _elf;

    private GoPclnTab(ElfImage elf, int table, uint magic, ulong textStart, ulong goFunc)
    {
        _elf = elf;
        _b = elf.Bytes;
        _table = table;
        _go120 = magic == Magic120;
        ReadOnlySpan<byte> h = _b.AsSpan(table);
        _funcCount = (int)BinaryPrimitives.ReadUInt64LittleEndian(h[8..]);
        TextStart = textStart;
        _funcNames = table + (int)BinaryPrimitives.ReadUInt64LittleEndian(h[32..]);
        _cuTab = table + (int)BinaryPrimitives.ReadUInt64LittleEndian(h[40..]);
        _fileTab = table + (int)BinaryPrimitives.ReadUInt64LittleEndian(h[48..]);
        _pcTab = table + (int)BinaryPrimitives.ReadUInt64LittleEndian(h[56..]);
        _funcTab = table + (int)BinaryPrimitives.ReadUInt64LittleEndian(h[64..]);
        _goFunc = goFunc;
    }

    /// <summary>The number of functions.</summary>
    public int Count => _funcCount;

    /// <summary>The address the table's entry offsets are relative to (<c>runtime.text</c>).</summary>
    public ulong TextStart { get; }

    /// <summary>Finds and checks the table; null with a one-line reason when the binary has none this reader knows.</summary>
    public static GoPclnTab? Read(ElfImage elf, out string? error)
    {
        error = null;
        if (!elf.TryGetSection(".gopclntab", out ElfSection section) || section.Type == ElfSection.NoBits)
        {
            error = "it has no Go function table (.gopclntab)";
            return null;
        }

        ReadOnlySpan<byte> h = elf.Bytes.AsSpan((int)section.Offset, (int)section.Size);
        uint magic = h.Length >= 72 ? BinaryPrimitives.ReadUInt32LittleEndian(h) : 0;
        if (magic is not (Magic118 or Magic120) || h[6] != 1 || h[7] != 8)
        {
            error = $"its function table (magic 0x{magic:x8}) is not the Go 1.18+ amd64 format";
            return null;
        }

        // Go <= 1.25 records runtime.text in the header; later releases leave it 0 for the runtime to fill in.
        ulong textStart = BinaryPrimitives.ReadUInt64LittleEndian(h[24..]);
        if (textStart == 0)
        {
            textStart = elf.Symbol("runtime.text") ?? (elf.TryGetSection(".text", out ElfSection text) ? text.Address : 0);
        }

        // Function data (the wrapped function of a wrapper) is stored relative to the go:func.* symbol (go.func.* before 1.20).
        ulong goFunc = elf.Symbol("go:func.*") ?? elf.Symbol("go.func.*") ?? (elf.TryGetSection(".go.func", out ElfSection funcs) ? funcs.Address : 0);
        var table = new GoPclnTab(elf, (int)section.Offset, magic, textStart, goFunc);
        if (textStart == 0 || table._funcTab + ((table._funcCount + 1) * 8) > (int)(section.Offset + section.Size))
        {
            error = "its function table is cut short";
            return null;
        }

        return table;
    }

    /// <summary>The entry address of function <paramref name="index"/>.</summary>
    public ulong Entry(int index) => TextStart + BinaryPrimitives.ReadUInt32LittleEndian(_b.AsSpan(_funcTab + (index * 8)));

    /// <summary>The name the binary records for function <paramref name="index"/> (Go 1.18–1.19 already write <c>[...]</c> for type arguments).</summary>
    public string Name(int index) => _elf.CString((ulong)(_funcNames + BinaryPrimitives.ReadInt32LittleEndian(Func(index)[4..])));

    /// <summary>The function whose code holds <paramref name="pc"/>, or -1.</summary>
    public int FindFunction(ulong pc)
    {
        if (pc < Entry(0) || pc >= Entry(_funcCount))
        {
            return -1;
        }

        int lo = 0, hi = _funcCount - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (Entry(mid) <= pc)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>The address function data <paramref name="slot"/> of a function points at, or null when it has none.</summary>
    public ulong? FuncData(int index, int slot)
    {
        ReadOnlySpan<byte> f = Func(index);
        int npcdata = (int)BinaryPrimitives.ReadUInt32LittleEndian(f[28..]);
        int fixedSize = _go120 ? 44 : 40;
        int nfuncdata = f[fixedSize - 1];
        if (slot >= nfuncdata || _goFunc == 0)
        {
            return null;
        }

        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(f[(fixedSize + (npcdata * 4) + (slot * 4))..]);
        return offset == NoData ? null : _goFunc + offset;
    }

    /// <summary>
    /// The wrapped function of a compiler wrapper (Go's <c>FUNCDATA_WrapInfo</c>, what the runtime's execution tracer
    /// reads to name a goroutine by the function it runs), or -1 when the function is not such a wrapper.
    /// </summary>
    public int WrappedFunction(int index)
    {
        if (FuncData(index, FuncDataWrapInfo) is not { } at || !_elf.TryGetLoaded(at, 4, out ReadOnlyMemory<byte> bytes))
        {
            return -1;
        }

        ulong target = TextStart + BinaryPrimitives.ReadUInt32LittleEndian(bytes.Span);
        int wrapped = FindFunction(target);
        return wrapped >= 0 && Entry(wrapped) == target ? wrapped : -1;
    }

    /// <summary>The source file and line of <paramref name="pc"/>, as the runtime's <c>funcline</c> gives them (inlined code included).</summary>
    public (string File, int Line)? SourceLine(int index, ulong pc)
    {
        ReadOnlySpan<byte> f = Func(index);
        uint pcfile = BinaryPrimitives.ReadUInt32LittleEndian(f[20..]);
        uint pcln = BinaryPrimitives.ReadUInt32LittleEndian(f[24..]);
        uint cuOffset = BinaryPrimitives.ReadUInt32LittleEndian(f[32..]);
        ulong entry = Entry(index);
        int fileIndex = PcValue(pcfile, entry, pc);
        int line = PcValue(pcln, entry, pc);
        if (fileIndex < 0 || line < 0)
        {
            return null;
        }

        uint fileOffset = BinaryPrimitives.ReadUInt32LittleEndian(_b.AsSpan(_cuTab + (int)((cuOffset + (uint)fileIndex) * 4)));
        return fileOffset == NoData ? null : (_elf.CString((ulong)_fileTab + fileOffset), line);
    }

    private ReadOnlySpan<byte> Func(int index)
    {
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(_b.AsSpan(_funcTab + (index * 8) + 4));
        return _b.AsSpan(_funcTab + (int)offset);
    }

    /// <summary>The runtime's <c>pcvalue</c>: walks a (value delta, pc delta) varint table from the function's entry.</summary>
    private int PcValue(uint offset, ulong entry, ulong target)
    {
        if (offset == 0)
        {
            return -1;
        }

        ReadOnlySpan<byte> p = _b.AsSpan(_pcTab + (int)offset);
        ulong pc = entry;
        int value = -1;
        bool first = true;
        while (true)
        {
            uint valueDelta = ReadVarint(ref p);
            if (valueDelta == 0 && !first)
            {
                return -1;
            }

            first = false;
            value += (int)(-(valueDelta & 1) ^ (valueDelta >> 1));
            pc += ReadVarint(ref p); // PCQuantum is 1 on amd64.
            if (target < pc)
            {
                return value;
            }
        }
    }

    private static uint ReadVarint(ref ReadOnlySpan<byte> p)
    {
        uint v = 0;
        int shift = 0;
        while (true)
        {
            byte b = p[0];
            p = p[1..];
            v |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return v;
            }

            shift += 7;
        }
    }
}
