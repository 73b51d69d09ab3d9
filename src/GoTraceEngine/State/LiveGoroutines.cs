namespace GoTraceEngine.State;

/// <summary>A read-only view of the live table: goroutines created and not yet destroyed.</summary>
/// <remarks>The view reads the engine's table directly: use it between feeds, from the thread that feeds the engine.</remarks>
public readonly struct LiveGoroutines
{
    private readonly OpenTable<LiveValue> _table;

    internal LiveGoroutines(OpenTable<LiveValue> table) => _table = table;

    /// <summary>The number of live goroutines.</summary>
    public int Count => _table.Count;

    /// <summary>Looks up a live goroutine by g pointer.</summary>
    /// <param name="gPointer">The address of its <c>g</c> struct.</param>
    /// <param name="record">The goroutine, when live.</param>
    /// <returns><see langword="true"/> when the goroutine is live.</returns>
    public bool TryGet(ulong gPointer, out GoroutineRecord record)
    {
        if (gPointer != 0)
        {
            ref LiveValue value = ref _table.GetValueRefOrNullRef(gPointer);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref value))
            {
                record = GoroutineRecord.From(gPointer, value);
                return true;
            }
        }

        record = default;
        return false;
    }

    /// <summary>Enumerates the live goroutines in table order (not creation order), without allocating.</summary>
    /// <returns>A struct enumerator.</returns>
    public Enumerator GetEnumerator() => new(_table);

    /// <summary>Enumerates live goroutines.</summary>
    public struct Enumerator
    {
        private readonly OpenTable<LiveValue> _table;
        private int _index;

        internal Enumerator(OpenTable<LiveValue> table)
        {
            _table = table;
            _index = -1;
        }

        /// <summary>The current goroutine.</summary>
        public readonly GoroutineRecord Current
        {
            get
            {
                ref readonly OpenTable<LiveValue>.Entry entry = ref _table.DangerousGetEntry(_index);
                return GoroutineRecord.From(entry.Key, entry.Value);
            }
        }

        /// <summary>Moves to the next goroutine.</summary>
        /// <returns><see langword="false"/> at the end.</returns>
        public bool MoveNext()
        {
            int capacity = _table.Capacity;
            while (++_index < capacity)
            {
                if (_table.DangerousGetEntry(_index).Key != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
