namespace GoTraceEngine.State;

/// <summary>
/// A read-only view of one of the engine's goroutine tables: <see cref="TraceEngine{TSink}.Live"/> (records of
/// <see cref="GoroutineRecord"/>) or <see cref="TraceEngine{TSink}.Blocked"/> (records of <see cref="BlockedGoroutine"/>).
/// </summary>
/// <typeparam name="TRecord">The record a table entry is read as.</typeparam>
/// <remarks>The view reads the engine's table directly: use it between feeds, from the thread that feeds the engine. Reading allocates nothing.</remarks>
public readonly struct GoroutineView<TRecord>
    where TRecord : struct
{
    private readonly ITableReader<TRecord> _reader;

    internal GoroutineView(ITableReader<TRecord> reader) => _reader = reader;

    /// <summary>The number of goroutines in the table.</summary>
    public int Count => _reader.Count;

    /// <summary>Looks up a goroutine by g pointer.</summary>
    /// <param name="gPointer">The address of its <c>g</c> struct.</param>
    /// <param name="record">The goroutine, when it is in the table.</param>
    /// <returns><see langword="true"/> when it is in the table.</returns>
    public bool TryGet(ulong gPointer, out TRecord record) => _reader.TryGet(gPointer, out record);

    /// <summary>Enumerates the table in slot order (not event order), without allocating.</summary>
    /// <returns>A struct enumerator.</returns>
    public Enumerator GetEnumerator() => new(_reader);

    /// <summary>
    /// Enumerates a table's goroutines. Enumerate between feeds: events move entries between slots, so an enumeration
    /// that spans a feed may skip or repeat goroutines; one whose table was resized or rehashed, or whose engine was
    /// disposed, since it began throws instead.
    /// </summary>
    public struct Enumerator
    {
        private readonly ITableReader<TRecord> _reader;
        private readonly int _layout;
        private int _index;

        internal Enumerator(ITableReader<TRecord> reader)
        {
            _reader = reader;
            _layout = reader.Layout;
            _index = -1;
        }

        /// <summary>The current goroutine.</summary>
        /// <exception cref="ObjectDisposedException">The engine was disposed since the enumeration began.</exception>
        /// <exception cref="InvalidOperationException">The table was resized or rehashed (events fed) since the enumeration began.</exception>
        public readonly TRecord Current => _reader.At(_index, _layout);

        /// <summary>Moves to the next goroutine.</summary>
        /// <returns><see langword="false"/> at the end.</returns>
        /// <exception cref="ObjectDisposedException">The engine was disposed since the enumeration began.</exception>
        /// <exception cref="InvalidOperationException">The table was resized or rehashed (events fed) since the enumeration began.</exception>
        public bool MoveNext() => _reader.MoveNext(ref _index, _layout);
    }
}
