using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GoTraceEngine.State;

/// <summary>Reads a table's entries as public records, for <see cref="GoroutineView{TRecord}"/>.</summary>
internal interface ITableReader<TRecord>
    where TRecord : struct
{
    int Count { get; }

    /// <summary>The table's <see cref="OpenTable{TValue}.Layout"/>, which an enumeration starts under.</summary>
    int Layout { get; }

    bool TryGet(ulong gPointer, out TRecord record);

    /// <summary>Advances <paramref name="index"/> to the next occupied slot; false at the end.</summary>
    /// <exception cref="ObjectDisposedException">The engine was disposed since the enumeration began.</exception>
    /// <exception cref="InvalidOperationException">The table was resized since the enumeration began.</exception>
    bool MoveNext(ref int index, int layout);

    /// <summary>The record in slot <paramref name="index"/>; throws as <see cref="MoveNext"/>.</summary>
    TRecord At(int index, int layout);
}

/// <summary>A table value that can be read as a public record.</summary>
internal interface IRecordSource<TValue, TRecord>
    where TValue : struct
    where TRecord : struct
{
    static abstract TRecord ToRecord(ulong gPointer, in TValue value);
}

/// <summary>The one <see cref="ITableReader{TRecord}"/>: any <see cref="OpenTable{TValue}"/> whose values know their record.</summary>
/// <param name="table">The table read.</param>
internal sealed class TableReader<TValue, TRecord>(OpenTable<TValue> table) : ITableReader<TRecord>
    where TValue : struct, IRecordSource<TValue, TRecord>
    where TRecord : struct
{
    public int Count => table.Count;

    public int Layout => table.Layout;

    public bool TryGet(ulong gPointer, out TRecord record)
    {
        if (gPointer != 0)
        {
            ref TValue value = ref table.GetValueRefOrNullRef(gPointer);
            if (!Unsafe.IsNullRef(ref value))
            {
                record = TValue.ToRecord(gPointer, value);
                return true;
            }
        }

        record = default;
        return false;
    }

    public bool MoveNext(ref int index, int layout)
    {
        CheckLayout(layout);
        int capacity = table.Capacity;
        while (++index < capacity)
        {
            if (table.DangerousGetEntry(index).Key != 0)
            {
                return true;
            }
        }

        return false;
    }

    public TRecord At(int index, int layout)
    {
        CheckLayout(layout);
        ref readonly OpenTable<TValue>.Entry entry = ref table.DangerousGetEntry(index);
        return TValue.ToRecord(entry.Key, entry.Value);
    }

    private void CheckLayout(int layout)
    {
        if (layout != table.Layout)
        {
            Throw(table.IsReleased);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(bool released) => throw (released
        ? new ObjectDisposedException("TraceEngine", "The engine was disposed while its goroutines were enumerated.")
        : new InvalidOperationException("The goroutine table was resized or rehashed while it was enumerated: enumerate a view between feeds, not while events are applied."));
}
