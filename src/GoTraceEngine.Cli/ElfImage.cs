using System.Buffers.Binary;
using System.Text;

namespace GoTraceEngine.Cli;

/// <summary>One section of an ELF file: its name, where it is loaded, where its bytes are in the file.</summary>
/// <param name="Name">The section's name (<c>.text</c>, <c>.gopclntab</c>).</param>
/// <param name="Type">The section type (<c>SHT_NOBITS</c> = 8 has no bytes in the file).</param>
/// <param name="Address">Its virtual address (0 when it is not loaded).</param>
/// <param name="Offset">Its offset in the file.</param>
/// <param name="Size">Its size in bytes.</param>
internal readonly record struct ElfSection(string Name, uint Type, ulong Address, ulong Offset, ulong Size)
{
    public const uint NoBits = 8;
}

/// <summary>
/// A 64-bit little-endian ELF executable read whole: its type, sections and function symbols. Only what
/// <see cref="GoSymbols"/> needs to read a Go binary's own tables; not thread-safe to build, immutable after.
/// </summary>
internal sealed class ElfImage
{
    private const uint SymbolTableType = 2;
    private const int SymbolSize = 24;
    private const byte FunctionSymbol = 2;

    private readonly Dictionary<string, ElfSection> _sections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, string> _functionsByAddress = [];

    private ElfImage(byte[] bytes) => Bytes = bytes;

    public byte[] Bytes { get; }

    /// <summary>The ELF machine (0x3E amd64, 0xB7 arm64).</summary>
    public ushort Machine { get; private set; }

    /// <summary>ET_DYN: a position-independent executable, loaded at an address chosen at run time.</summary>
    public bool IsPositionIndependent { get; private set; }

    /// <summary>Whether the file has a symbol table (<c>.symtab</c>); <c>-ldflags=-s</c> and <c>strip</c> remove it.</summary>
    public bool HasSymbolTable { get; private set; }

    /// <summary>Parses the headers; returns null with a reason when the bytes are not a 64-bit little-endian ELF file.</summary>
    public static ElfImage? Read(byte[] bytes, out string? error)
    {
        error = null;
        ReadOnlySpan<byte> b = bytes;
        if (b.Length < 64 || b[0] != 0x7F || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
        {
            error = "not an ELF executable";
            return null;
        }

        if (b[4] != 2 || b[5] != 1)
        {
            error = "not a 64-bit little-endian ELF file";
            return null;
        }

        var image = new ElfImage(bytes)
        {
            IsPositionIndependent = BinaryPrimitives.ReadUInt16LittleEndian(b[16..]) == 3,
            Machine = BinaryPrimitives.ReadUInt16LittleEndian(b[18..]),
        };
        ulong sectionHeaders = BinaryPrimitives.ReadUInt64LittleEndian(b[0x28..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3A..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3C..]);
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3E..]);
        if (entrySize < 64 || sectionHeaders == 0 || sectionHeaders + (ulong)(entrySize * count) > (ulong)b.Length || namesIndex >= count)
        {
            error = "the ELF section headers are missing or cut short";
            return null;
        }

        var raw = new (uint Name, uint Type, ulong Address, ulong Offset, ulong Size, uint Link)[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> h = b.Slice((int)sectionHeaders + (i * entrySize), entrySize);
            raw[i] = (BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[24..]), BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt32LittleEndian(h[40..]));
        }

        ulong names = raw[namesIndex].Offset;
        for (int i = 0; i < count; i++)
        {
            var section = new ElfSection(image.CString(names + raw[i].Name), raw[i].Type, raw[i].Address, raw[i].Offset, raw[i].Size);
            if (section.Type != ElfSection.NoBits && section.Offset + section.Size > (ulong)b.Length)
            {
                error = $"the section {section.Name} runs past the end of the file";
                return null;
            }

            image._sections.TryAdd(section.Name, section);
            if (section.Type == SymbolTableType && raw[i].Link < count)
            {
                image.HasSymbolTable = true;
                image.ReadSymbols(section, raw[raw[i].Link].Offset);
            }
        }

        return image;
    }

    public bool TryGetSection(string name, out ElfSection section) => _sections.TryGetValue(name, out section);

    /// <summary>The value of a symbol, or null.</summary>
    public ulong? Symbol(string name) => _symbols.TryGetValue(name, out ulong value) ? value : null;

    /// <summary>The name of the function symbol that starts at <paramref name="address"/>, as symbolisers (bpftrace <c>usym</c>) print it.</summary>
    public string? FunctionAt(ulong address) => _functionsByAddress.GetValueOrDefault(address);

    /// <summary>The file bytes of <paramref name="length"/> bytes loaded at <paramref name="address"/>, when a section with file bytes holds them.</summary>
    public bool TryGetLoaded(ulong address, int length, out ReadOnlyMemory<byte> bytes)
    {
        foreach (ElfSection s in _sections.Values)
        {
            if (s.Type != ElfSection.NoBits && s.Address != 0 && address >= s.Address && address + (ulong)length <= s.Address + s.Size)
            {
                bytes = Bytes.AsMemory((int)(s.Offset + (address - s.Address)), length);
                return true;
            }
        }

        bytes = default;
        return false;
    }

    /// <summary>A NUL-terminated UTF-8 string at a file offset (empty when the offset is out of the file).</summary>
    public string CString(ulong offset)
    {
        if (offset >= (ulong)Bytes.Length)
        {
            return string.Empty;
        }

        ReadOnlySpan<byte> rest = Bytes.AsSpan((int)offset);
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }

    private void ReadSymbols(ElfSection table, ulong strings)
    {
        ReadOnlySpan<byte> symbols = Bytes.AsSpan((int)table.Offset, (int)table.Size);
        for (int at = 0; at + SymbolSize <= symbols.Length; at += SymbolSize)
        {
            ReadOnlySpan<byte> s = symbols.Slice(at, SymbolSize);
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(s);
            if (name == 0)
            {
                continue;
            }

            string text = CString(strings + name);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
            _symbols.TryAdd(text, value);
            if ((s[4] & 0xF) == FunctionSymbol && value != 0)
            {
                _functionsByAddress.TryAdd(value, text);
            }
        }
    }
}
