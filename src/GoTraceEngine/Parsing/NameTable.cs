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
/// (<see cref="HashCode"/>), so names cannot be chosen to collide. Single writer; not thread-safe.
/// </remarks>
internal sealed class NameTable
{
    public const int MaxNames = 1 << 20;
    public const int OverflowId = 1;
    public const string OverflowName = "(too many distinct names)";

    private const int MaxNameLength = 1024;

    private readonly List<byte[]> _bytes = [[], [.. "\0overflow"u8]];
    private readonly List<string> _names = [string.Empty, OverflowName];
    private readonly List<int> _hashes = [0, 0];
    private int[] _buckets = new int[64];

    /// <summary>Sightings of new names after the cap was reached.</summary>
    public long Overflowed { get; private set; }

    /// <summary>Distinct names, the two reserved ids included.</summary>
    public int Count => _names.Count;

    /// <summary>Returns the id of <paramref name="name"/>, adding it on first sighting.</summary>
    public int Intern(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return 0;
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

        if (_names.Count >= MaxNames)
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
