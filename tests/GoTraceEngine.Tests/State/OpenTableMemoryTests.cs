using GoTraceEngine.Tests.Infrastructure;
using System.Runtime.CompilerServices;
using GoTraceEngine.State;

namespace GoTraceEngine.Tests.State;

/// <summary>The table's entry memory (pinned, native, huge pages), its load factor and <see cref="OpenTable{TValue}.Prefetch"/>.</summary>
public sealed class OpenTableMemoryTests
{
    [Theory]
    [InlineData(0, 50, 11)]
    [InlineData(1, 50, 12)]
    [InlineData(2, 50, 13)]
    [InlineData(2, 75, 14)]
    [InlineData(0, 90, 15)]
    public void Operations_EveryMemoryAndLoad_AgreeWithADictionaryModel(int memoryKind, int loadPercent, int seed)
    {
        var memory = (TableMemoryKind)memoryKind;
        var random = new Random(seed);
        var table = new OpenTable<LiveValue>(16, memory, loadPercent);
        var model = new Dictionary<ulong, long>();
        ulong[] pool = new ulong[100_000];
        for (int i = 0; i < pool.Length; i++)
        {
            pool[i] = 0xc000000000UL + ((ulong)random.Next(1, int.MaxValue) << 5);
        }

        for (int step = 0; step < 400_000; step++)
        {
            ulong key = pool[random.Next(pool.Length)];

            // A prefetch is a hint: issued for any key, at any time, it changes nothing.
            table.Prefetch(pool[random.Next(pool.Length)]);
            switch (random.Next(3))
            {
                case 0:
                    ref LiveValue value = ref table.GetValueRefOrAddDefault(key, out bool exists);
                    Assert.Equal(model.ContainsKey(key), exists);
                    value.CreateLineNumber = step;
                    value.Parent = key;
                    model[key] = step;
                    break;
                case 1:
                    Assert.Equal(model.Remove(key), table.Remove(key));
                    break;
                default:
                    ref LiveValue found = ref table.GetValueRefOrNullRef(key);
                    Assert.Equal(model.TryGetValue(key, out long expected), !Unsafe.IsNullRef(ref found));
                    if (!Unsafe.IsNullRef(ref found))
                    {
                        Assert.Equal((expected, key), (found.CreateLineNumber, found.Parent));
                    }

                    break;
            }
        }

        Assert.Equal(model.Count, table.Count);
        Assert.Equal(memory, table.Memory);
        int occupied = 0;
        for (int i = 0; i < table.Capacity; i++)
        {
            ref readonly OpenTable<LiveValue>.Entry entry = ref table.DangerousGetEntry(i);
            if (entry.Key != 0)
            {
                occupied++;
                Assert.Equal(model[entry.Key], entry.Value.CreateLineNumber);
            }
        }

        Assert.Equal(model.Count, occupied);
        Assert.True(table.Count <= (long)table.Capacity * loadPercent / 100);
    }

    [Theory]
    [InlineData(50, 1 << 21)]
    [InlineData(75, 1 << 21)]
    [InlineData(90, 1 << 21)]
    public void Capacity_AtOneMillionLive_IsTwoToThe21StAtAnyLoadUpTo90Percent(int loadPercent, int expected)
    {
        // 1 000 000 > 0.9 x 2^20: a power-of-two table holding a million goroutines has 2^21 slots whatever its load.
        var table = new OpenTable<long>(16, TableMemoryKind.Managed, loadPercent);
        for (ulong i = 1; i <= 1_000_000; i++)
        {
            table.GetValueRefOrAddDefault(0xc000000000UL + (i * 0x1a0), out _);
        }

        Assert.Equal(expected, table.Capacity);
    }

    [Theory]
    [InlineData(1, 64)]
    [InlineData(2, TableMemory.HugePageSize)]
    public void NativeEntries_AreAligned(int memoryKind, int alignment)
    {
        var memory = (TableMemoryKind)memoryKind;
        // 2^17 slots of 48 bytes: 6 MB, a few huge pages.
        var table = new OpenTable<LiveValue>(1 << 17, memory);
        Assert.Equal(0UL, (ulong)table.EntriesAddress % (ulong)(memory == TableMemoryKind.HugePages && TableMemory.HugePagesAvailable ? alignment : 64));
        table.GetValueRefOrAddDefault(0xc000010000UL, out _).GoId = 7;
        Assert.Equal(7, table.GetValueRefOrNullRef(0xc000010000UL).GoId);
    }

    [Fact]
    public void HugePages_OnLinuxWithTransparentHugePages_AreAdvised()
    {
        string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        if (!OperatingSystem.IsLinux() || !File.Exists(setting) || File.ReadAllText(setting).Contains("[never]", StringComparison.Ordinal))
        {
            Assert.Skip("no transparent huge pages on this system");
        }

        // madvise(MADV_HUGEPAGE) was found and accepted (the P/Invoke resolves "libc" and the kernel knows the advice).
        var table = new OpenTable<LiveValue>(1 << 17, TableMemoryKind.HugePages);
        Assert.True(TableMemory.HugePagesAvailable);
        Assert.Equal(0UL, (ulong)table.EntriesAddress % TableMemory.HugePageSize);
    }

    [Fact]
    public void DangerousGetEntry_OutsideTheTable_Throws()
    {
        var table = new OpenTable<long>(16, TableMemoryKind.Native);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.DangerousGetEntry(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.DangerousGetEntry(16));
    }

    [Fact]
    public void Prefetch_IsAllocationFree()
    {
        var table = new OpenTable<LiveValue>(1024);
        table.Prefetch(0xc000010000UL);
        Allocations.Measure(5, call =>
        {
            for (ulong g = 1; g < 100_000; g++)
            {
                table.Prefetch(g * 0x1a0);
            }
        }).AssertNone(5);
    }

    [Fact]
    public void ValuesWithReferences_AreRefused() =>
        Assert.Throws<NotSupportedException>(() => new OpenTable<KeyValuePair<string, int>>(16));
}
