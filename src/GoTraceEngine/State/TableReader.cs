using System.Runtime.CompilerServices;

namespace GoTraceEngine.State;

/// <summary>Reads a table's entries as public records, for <see cref="GoroutineView{TRecord}"/>.</summary>
internal interface ITableReader<TRecord>
    where TRecord : struct
{
    int Count { get; }

    bool TryGet(ulong gPointer, out TRecord record);

    /// <summary>Advances <paramref name="index"/> to the next occupied slot; false at the end.</summary>
    bool MoveNext(ref int index);

    TRecord At(int index);
}

/// <summary>A table value that can be read as a public record.</summary>
internal interface IRecordSource<TValue, TRecord>
    where TValue : struct
    where TRecord : struct
{
    static abstract TRecord ToRecord(ulong gPointer, in TValue value);
}

/// <summary>The one <see cref="ITableReader{TRecord}"/>: any <see cref="OpenTable{TValue}"/> whose values know their record.</summary>
internal sealed class TableReader<TValue, TRecord>(OpenTable<TValue> table) : ITableReader<TRecord>
    where TValue : struct, IRecordSource<TValue, TRecord>
    where TRecord : struct
{
    public int Count => table.Count;

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

    public bool MoveNext(ref int index)
    {
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

    public TRecord At(int index)
    {
        ref readonly OpenTable<TValue>.Entry entry = ref table.DangerousGetEntry(index);
        return TValue.ToRecord(entry.Key, entry.Value);
    }
}
