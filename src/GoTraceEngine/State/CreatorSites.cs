namespace GoTraceEngine.State;

/// <summary>
/// The <c>go</c> statements a trace showed (<c>gopc=</c>, the pc after the call that created the goroutine), each with
/// its creator function: a goroutine's creator is kept as a small key naming its go statement when the tracer printed
/// the pc, so the report can say <c>created by main.startPool at pool.go:21</c> without storing 8 more bytes per
/// goroutine. Go statements are few (the call sites of <c>runtime.newproc</c> in the binary), so the table stays small
/// and in cache. Single writer.
/// </summary>
internal sealed class CreatorSites
{
    /// <summary>Set in a creator key that names a go statement (not a bare function name id: those stay below 2^20).</summary>
    public const int SiteFlag = 1 << 30;

    /// <summary>The most go statements kept; later ones keep only their function name.</summary>
    public const int MaxSites = 1 << 16;

    private readonly OpenTable<int> _byPc = new(64, TableMemoryKind.Managed);
    private readonly List<(ulong Pc, int Name)> _sites = [];

    /// <summary>The creator key for a create with <paramref name="pc"/> by the function <paramref name="name"/>.</summary>
    public int Intern(ulong pc, int name)
    {
        ref int slot = ref _byPc.GetValueRefOrAddDefault(pc, out bool exists);
        if (!exists)
        {
            if (_sites.Count >= MaxSites)
            {
                _byPc.Remove(pc);
                return name;
            }

            _sites.Add((pc, name));
            slot = _sites.Count;
        }

        return SiteFlag | slot;
    }

    /// <summary>Whether <paramref name="key"/> names a go statement.</summary>
    public static bool IsSite(int key) => (key & SiteFlag) != 0;

    /// <summary>The go statement behind a site key: its pc and its creator function's name id.</summary>
    public (ulong Pc, int Name) Get(int key) => _sites[(key & ~SiteFlag) - 1];

    /// <summary>The creator function's name id behind any creator key.</summary>
    public int NameOf(int key) => IsSite(key) ? Get(key).Name : key;
}
