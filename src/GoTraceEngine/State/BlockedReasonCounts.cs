namespace GoTraceEngine.State;

/// <summary>
/// Blocked goroutines per reason, from the counts the tables keep per event (no walk of the table): enumerate
/// <c>(Reason, Count)</c> pairs of the reasons with any, without allocating.
/// </summary>
/// <remarks>Read it between feeds, from the thread that feeds the engine (as the tables' views).</remarks>
public readonly struct BlockedReasonCounts
{
    private readonly GoroutineState _state;

    internal BlockedReasonCounts(GoroutineState state) => _state = state;

    /// <summary>Blocked goroutines whose reason is named <paramref name="reason"/> (0 when none or unknown).</summary>
    /// <param name="reason">The reason's name (<c>chan receive</c>).</param>
    /// <returns>The count.</returns>
    public long this[string reason]
    {
        get
        {
            ReadOnlySpan<long> counts = _state.BlockedByReasonKey;
            for (int key = 0; key < counts.Length; key++)
            {
                if (counts[key] > 0 && ReasonKeys.Name((byte)key) == reason)
                {
                    return counts[key];
                }
            }

            return 0;
        }
    }

    /// <summary>Enumerates the reasons with blocked goroutines.</summary>
    /// <returns>A struct enumerator.</returns>
    public Enumerator GetEnumerator() => new(_state);

    /// <summary>Enumerates (reason, count) pairs.</summary>
    public struct Enumerator
    {
        private readonly GoroutineState _state;
        private int _key;

        internal Enumerator(GoroutineState state)
        {
            _state = state;
            _key = -1;
        }

        /// <summary>The current reason and its count.</summary>
        public readonly (string Reason, long Count) Current => (ReasonKeys.Name((byte)_key), _state.BlockedByReasonKey[_key]);

        /// <summary>Moves to the next reason with blocked goroutines.</summary>
        /// <returns><see langword="false"/> at the end.</returns>
        public bool MoveNext()
        {
            ReadOnlySpan<long> counts = _state.BlockedByReasonKey;
            while (++_key < counts.Length)
            {
                if (counts[_key] > 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
