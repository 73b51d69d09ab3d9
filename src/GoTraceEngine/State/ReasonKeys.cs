namespace GoTraceEngine.State;

/// <summary>
/// One small id per reason <em>name</em>, across every <see cref="ReasonTable"/>: the same reason keeps its id when a
/// trace header switches the numbering mid-trace, so counts and groups never split and a goroutine that blocked under
/// the first table keeps its name.
/// </summary>
/// <remarks>Filled while the tables are built (the type initializer of <see cref="ReasonTable"/>); read-only after.</remarks>
internal static class ReasonKeys
{
    /// <summary>The key of codes a table does not name (never blocking, so never counted).</summary>
    public const byte Unknown = 255;

    private static readonly Dictionary<string, byte> s_keys = new(StringComparer.Ordinal);
    private static readonly bool[] s_semaphoreBucket = new bool[256];
    private static readonly List<string> s_names = [];

    /// <summary>How many reason names have keys.</summary>
    public static int Count => s_names.Count;

    /// <summary>The key of <paramref name="name"/>, assigned on first sight.</summary>
    public static byte Register(string name)
    {
        lock (s_keys)
        {
            if (!s_keys.TryGetValue(name, out byte key))
            {
                if (s_names.Count >= Unknown)
                {
                    throw new InvalidOperationException("More than 254 distinct reason names.");
                }

                key = (byte)s_names.Count;
                s_keys.Add(name, key);
                s_names.Add(name);
                s_semaphoreBucket[key] = name is "sync" or "semacquire" or "sync.Mutex.Lock" or "sync.RWMutex.RLock" or "sync.RWMutex.Lock" or "sync.WaitGroup.Wait";
            }

            return key;
        }
    }

    /// <summary>
    /// Whether a park for this reason reports a shared semaphore bucket as its wait object: <c>semacquire</c> parks with
    /// the lock of the runtime's <c>semaRoot</c> (<c>semtable[(addr &gt;&gt; 3) % 251]</c>), which every semaphore hashing to
    /// it shares, so the <c>obj=</c> of a mutex, RWMutex or WaitGroup wait says nothing about that object's own releases.
    /// </summary>
    public static bool IsSemaphoreBucket(byte key) => s_semaphoreBucket[key];

    /// <summary><see cref="IsSemaphoreBucket(byte)"/> of the reason named <paramref name="name"/>.</summary>
    public static bool IsSemaphoreBucket(string name)
    {
        lock (s_keys)
        {
            return s_keys.TryGetValue(name, out byte key) && s_semaphoreBucket[key];
        }
    }

    /// <summary>The name behind <paramref name="key"/>.</summary>
    public static string Name(byte key) => key < s_names.Count ? s_names[key] : "unknown";
}
