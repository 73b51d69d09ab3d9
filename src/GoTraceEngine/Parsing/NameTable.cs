using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using CommunityToolkit.HighPerformance.Buffers;

namespace GoTraceEngine.Parsing;

/// <summary>
/// Interns function names (<c>fn=</c>, <c>creator=</c>) as small integer ids, so events carry no references.
/// A name's bytes are hashed and looked up without allocating; only its first sighting allocates, and its string
/// comes from <see cref="StringPool"/>, shared by every engine in the process.
/// </summary>
/// <remarks>
/// Id 0 means "no name". The number of distinct names is capped (<see cref="MaxNames"/>) so hostile input cannot
/// exhaust memory; past the cap every new name maps to <see cref="OverflowId"/>. The hash is seeded per process
/// (<see cref="HashCode"/>), so names cannot be chosen to collide. Single writer; not thread-safe, except through
/// fronts: a table made with <see cref="NameTable(NameTable)"/> has its own printed-name cache and interns into the
/// shared table under its lock, so each parsing thread of a replay owns a front and all of them hand out the shared
/// table's ids.
/// <para>A trace names few functions many times (every create line carries <c>fn=</c> and <c>creator=</c>), so
/// <see cref="InternPrinted"/> first looks the name up as printed in a small direct-mapped cache: a slot chosen by
/// the length and the first and last 8 bytes, holding a copy of the printed bytes (up to
/// <see cref="CacheWidth"/>) and their id, checked by a full compare. A hit skips reducing the name
/// (<see cref="EventFieldParser.FunctionName"/>), hashing it and probing the table; in the full format those were
/// about 15 % of the instructions of a replay. A collision only costs a miss: the seeded table still decides.</para>
/// </remarks>
internal sealed class NameTable
{
    public const int MaxNames = 1 << 20;
    public const int OverflowId = 1;
    public const string OverflowName = "(too many distinct names)";

    private const int MaxNameLength = 1024;

    /// <summary>Slots of the printed-name cache: 2^<see cref="CacheBits"/>.</summary>
    private const int CacheBits = 8;
    private const int CacheSlots = 1 << CacheBits;

    /// <summary>
    /// The longest printed name the cache holds: 128 bytes, so that names with long import paths
    /// (<c>github.com/org/project/internal/pkg.(*Type).method.func1</c>) are cached too; longer ones always take the
    /// table, and a front its lock.
    /// </summary>
    internal const int CacheWidth = 128;

    private readonly List<byte[]> _bytes = [[], [.. "\0overflow"u8]];
    private readonly List<string> _names = [string.Empty, OverflowName];
    private readonly List<int> _hashes = [0, 0];
    private int[] _buckets = new int[64];
    private readonly byte[] _cacheBytes = new byte[CacheSlots * CacheWidth];
    private readonly int[] _cacheIds = new int[CacheSlots];
    private readonly byte[] _cacheLengths = new byte[CacheSlots];
    private readonly NameTable? _shared;
    private readonly int _maxNames;

    /// <summary>A table of its own.</summary>
    /// <param name="maxNames">The cap on distinct names, the reserved ids included (tests lower it).</param>
    public NameTable(int maxNames = MaxNames)
    {
        _maxNames = maxNames;
    }

    /// <summary>
    /// A front for one thread: a cache hit is answered here without a lock; every other lookup interns into
    /// <paramref name="shared"/> while holding its lock. Ids are <paramref name="shared"/>'s; names are read there.
    /// </summary>
    /// <param name="shared">The table the names go to; while fronts are in use it is touched only through them.</param>
    public NameTable(NameTable shared)
    {
        _shared = shared;
        _maxNames = shared._maxNames;
    }

    /// <summary>The cap on distinct names (<see cref="MaxNames"/> but in tests).</summary>
    public int Cap => _maxNames;

    /// <summary>Distinct names in the shared table a front interns into, read under its lock (a table of its own: its own count).</summary>
    public int SharedCount
    {
        get
        {
            if (_shared is null)
            {
                return _names.Count;
            }

            lock (_shared)
            {
                return _shared._names.Count;
            }
        }
    }

    /// <summary>Sightings of new names after the cap was reached.</summary>
    public long Overflowed { get; private set; }

    /// <summary>Distinct names, the two reserved ids included.</summary>
    public int Count => _names.Count;

    /// <summary>
    /// Returns the id of a function name as a tracer printed it (<c>module`symbol+0xoff</c>, or the bare symbol),
    /// reduced to its symbol by <see cref="EventFieldParser.FunctionName"/>; adds it on first sighting.
    /// </summary>
    public int InternPrinted(ReadOnlySpan<byte> printed)
    {
        if ((uint)(printed.Length - 1) >= CacheWidth)
        {
            return InternSymbol(EventFieldParser.FunctionName(printed));
        }

        int slot = CacheSlot(printed);
        int cached = _cacheIds[slot];
        if (cached != 0 && _cacheLengths[slot] == printed.Length && printed.SequenceEqual(_cacheBytes.AsSpan(slot * CacheWidth, printed.Length)))
        {
            return cached;
        }

        int id = InternSymbol(EventFieldParser.FunctionName(printed));
        if (id > OverflowId)
        {
            // The overflow id is not cached: each sighting of a name past the cap is counted.
            printed.CopyTo(_cacheBytes.AsSpan(slot * CacheWidth, CacheWidth));
            _cacheLengths[slot] = (byte)printed.Length;
            _cacheIds[slot] = id;
        }

        return id;
    }

    /// <summary>The id of a symbol as Go's tracebacks print it (<see cref="EventFieldParser.PrintedName"/>): instantiations of a generic function share one name.</summary>
    private int InternSymbol(ReadOnlySpan<byte> symbol)
    {
        if (symbol.IndexOf((byte)'[') < 0)
        {
            // Most names: nothing to elide (a name past the cache's width takes this path on every sighting).
            return Intern(symbol);
        }

        Span<byte> buffer = stackalloc byte[MaxNameLength];
        return Intern(EventFieldParser.PrintedName(symbol, buffer));
    }

    /// <summary>Returns the id of <paramref name="name"/>, adding it on first sighting.</summary>
    public int Intern(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return 0;
        }

        if (_shared is not null)
        {
            lock (_shared)
            {
                return _shared.Intern(name);
            }
        }

        if (name.Length > MaxNameLength)
        {
            name = name[..MaxNameLength];
        }

        var hasher = default(HashCode);
        hasher.AddBytes(name);
        int hash = hasher.ToHashCode();
        int[] buckets = _buckets;
        int mask = buckets.Length - 1;
        int i = hash & mask;
        while (true)
        {
            int id = buckets[i];
            if (id == 0)
            {
                break;
            }

            if (_hashes[id] == hash && name.SequenceEqual(_bytes[id]))
            {
                return id;
            }

            i = (i + 1) & mask;
        }

        if (_names.Count >= _maxNames)
        {
            Overflowed++;
            return OverflowId;
        }

        int added = _names.Count;
        _bytes.Add(name.ToArray());
        _names.Add(StringPool.Shared.GetOrAdd(name, Encoding.UTF8));
        _hashes.Add(hash);
        buckets[i] = added;
        if (_names.Count * 2 > buckets.Length)
        {
            Rehash();
        }

        return added;
    }

    /// <summary>The cache slot of a printed name of 1 to <see cref="CacheWidth"/> bytes: its length and its first and last 8 bytes, mixed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CacheSlot(ReadOnlySpan<byte> printed)
    {
        ulong first, last;
        if (printed.Length >= 8)
        {
            first = BinaryPrimitives.ReadUInt64LittleEndian(printed);
            last = BinaryPrimitives.ReadUInt64LittleEndian(printed[^8..]);
        }
        else
        {
            first = 0;
            foreach (byte b in printed)
            {
                first = (first << 8) | b;
            }

            last = 0;
        }

        ulong mixed = ((first * 0x9E3779B97F4A7C15UL) ^ (last * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)printed.Length) * 0x165667B19E3779F9UL;
        return (int)(mixed >> (64 - CacheBits));
    }

    /// <summary>The name of <paramref name="id"/>; empty for 0 or an unknown id.</summary>
    public string GetName(int id) => (uint)id < (uint)_names.Count ? _names[id] : string.Empty;

    private void Rehash()
    {
        var buckets = new int[_buckets.Length * 2];
        int mask = buckets.Length - 1;
        for (int id = 2; id < _names.Count; id++)
        {
            int i = _hashes[id] & mask;
            while (buckets[i] != 0)
            {
                i = (i + 1) & mask;
            }

            buckets[i] = id;
        }

        _buckets = buckets;
    }
}
