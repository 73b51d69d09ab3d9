using GoTraceEngine.Tests.Infrastructure;
using System.Runtime.CompilerServices;
using GoTraceEngine.State;

namespace GoTraceEngine.Tests.State;

/// <summary>The table's entry memory (pinned, native, huge pages), its load factor and <see cref="OpenTable{TValue}.Prefetch"/>.</summary>
public sealed class OpenTableMemoryTests
{
    [Theory]
    [InlineData(0, 50, 11, false)]
    [InlineData(1, 50, 12, false)]
    [InlineData(2, 50, 13, false)]
    [InlineData(2, 75, 14, false)]
    [InlineData(0, 90, 15, false)]
    [InlineData(0, 50, 16, true)]
    [InlineData(2, 50, 17, true)]
    public void Operations_EveryMemoryAndLoad_AgreeWithADictionaryModel(int memoryKind, int loadPercent, int seed, bool dense)
    {
        var memory = (TableMemoryKind)memoryKind;
        var random = new Random(seed);

        // Dense from the first slot: capacities 16, 24, 32, 48, … so probe runs wrap and shift back across the end of
        // tables whose size is not a power of two.
        var table = new OpenTable<LiveValue>(16, memory, loadPercent, dense ? 0 : null);
        var model = new Dictionary<ulong, long>();
        ulong[] pool = new ulong[100_000];
        for (int i = 0; i < pool.Length; i++)
        {
            pool[i] = 0xc000000000UL + ((ulong)random.Next(1, int.MaxValue) << 5);
        }

        bool sawThreeTimesAPowerOfTwo = false;
        for (int step = 0; step < 400_000; step++)
        {
            sawThreeTimesAPowerOfTwo |= !System.Numerics.BitOperations.IsPow2(table.Capacity);
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
        Assert.True(table.Count <= (long)table.Capacity * (dense ? Math.Max(loadPercent, 67) : loadPercent) / 100);
        Assert.Equal(dense, sawThreeTimesAPowerOfTwo);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(75)]
    [InlineData(90)]
    public void Capacity_AtOneMillionLive_IsOneAndAHalfTimesTwoToThe20th(int loadPercent)
    {
        // Past 8 MiB the table grows in 1.5x and 4/3x steps at 2/3 load: a million goroutines fit 1.5 x 2^20 slots
        // (a power-of-two table would need 2^21, since 1 000 000 > 0.9 x 2^20).
        var table = new OpenTable<long>(16, TableMemoryKind.Managed, loadPercent);
        var capacities = new List<int> { table.Capacity };
        for (ulong i = 1; i <= 1_000_000; i++)
        {
            table.GetValueRefOrAddDefault(0xc000000000UL + (i * 0x1a0), out _);
            if (table.Capacity != capacities[^1])
            {
                capacities.Add(table.Capacity);
            }
        }

        Assert.Equal(3 << 19, table.Capacity);

        // Doubling up to 2^19 slots of 16 bytes (8 MiB), then 1.5x, 4/3x, 1.5x.
        Assert.Equal([16, 32, 64, 128, 256, 512, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18, 1 << 19, 3 << 18, 1 << 20, 3 << 19], capacities);
        for (ulong i = 1; i <= 1_000_000; i++)
        {
            Assert.True(table.ContainsKey(0xc000000000UL + (i * 0x1a0)));
        }
    }

    [Fact]
    public void LiveTable_AtOneMillionLive_TakesUnder80BytesAGoroutine()
    {
        // What a user's RSS pays per goroutine of a leaking server: 48-byte entries in 1.5 x 2^20 slots, 75.5 B.
        var table = new OpenTable<LiveValue>(16, TableMemoryKind.HugePages);
        for (ulong i = 1; i <= 1_000_000; i++)
        {
            table.GetValueRefOrAddDefault(0xc000000000UL + (i * 0x1a0), out _).GoId = (long)i;
        }

        Assert.Equal(48, System.Runtime.CompilerServices.Unsafe.SizeOf<OpenTable<LiveValue>.Entry>());
        Assert.InRange((double)table.AllocatedBytes / table.Count, 75, 80);
        Assert.Equal(500_000, table.GetValueRefOrNullRef(0xc000000000UL + (500_000UL * 0x1a0)).GoId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Release_FreesTheEntriesNow_AndLeavesAnEmptyTableThatStillWorks(int memoryKind)
    {
        var memory = (TableMemoryKind)memoryKind;
        var table = new OpenTable<LiveValue>(16, memory);
        for (ulong i = 1; i <= 100_000; i++)
        {
            table.GetValueRefOrAddDefault(0xc000000000UL + (i * 0x1a0), out _).GoId = (long)i;
        }

        OpenTable<LiveValue>.NativeBlock? block = table.Native;
        Assert.Equal(memory != TableMemoryKind.Managed, block is { IsHeld: true });

        table.Release();

        Assert.False(block?.IsHeld ?? false);
        Assert.Null(table.Native);
        Assert.Equal((0, 16), (table.Count, table.Capacity));
        Assert.True(Unsafe.IsNullRef(ref table.GetValueRefOrNullRef(0xc000000000UL + 0x1a0)));

        // Still a table: it grows again, in the memory it was made for.
        for (ulong i = 1; i <= 100_000; i++)
        {
            table.GetValueRefOrAddDefault(0xc000000000UL + (i * 0x1a0), out _).GoId = (long)i;
        }

        Assert.Equal(100_000, table.Count);
        Assert.Equal(50_000, table.GetValueRefOrNullRef(0xc000000000UL + (50_000UL * 0x1a0)).GoId);
        Assert.Equal(memory != TableMemoryKind.Managed, table.Native is { IsHeld: true });
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
    public void HugePageBlocks_OnLinux_AreMappingsOfTheirOwn_ZeroedAndAligned()
    {
        if (!OperatingSystem.IsLinux() || !TableMemory.HugePagesAvailable)
        {
            Assert.Skip("huge-page blocks are mapped on Linux only");
        }

        // Mapped, not taken from malloc: a table's old block goes back to the system when it grows, where malloc would
        // keep a freed block under its mmap threshold resident in its arena.
        NativeRegion region = TableMemory.AllocateNative(3 << 20, hugePages: true);
        try
        {
            Assert.True(region.Mapped);
            Assert.Equal((nuint)(4 << 20), region.Length);
            Assert.Equal(0, region.Start % TableMemory.HugePageSize);
            Span<byte> bytes = region.AsSpan();
            Assert.Equal(-1, bytes.IndexOfAnyExcept((byte)0));
            bytes.Fill(0xa5);
        }
        finally
        {
            TableMemory.Free(region);
        }

        NativeRegion small = TableMemory.AllocateNative(4096, hugePages: true);
        Assert.False(small.Mapped);
        TableMemory.Free(small);
    }

    [Fact]
    public void Growing_AMappedTable_GivesBackTheOldSlotsAsTheyAreCopied()
    {
        if (!OperatingSystem.IsLinux() || !TableMemory.HugePagesAvailable)
        {
            Assert.Skip("mapped table blocks are Linux's");
        }

        // The last growth on the way to a million live goroutines: 2^20 slots (48 MiB) to 1.5 x 2^20 (72 MiB). The old
        // slots are read in order and the new table fills in the same order, so each old huge page goes back once
        // copied: the two blocks are never both resident, which was 48 MB of a replay's peak RSS.
        var table = new OpenTable<LiveValue>(16, TableMemoryKind.HugePages);
        ulong Key(ulong i) => 0xc000000000UL + (i * 0x1a0);
        ulong n = 0;
        while (table.Capacity < 1 << 20)
        {
            table.GetValueRefOrAddDefault(Key(++n), out _).GoId = (long)n;
        }

        long before = table.DiscardedBytes;
        long oldBytes = table.AllocatedBytes;
        while (table.Capacity == 1 << 20)
        {
            table.GetValueRefOrAddDefault(Key(++n), out _).GoId = (long)n;
        }

        Assert.Equal(3 << 19, table.Capacity);
        Assert.InRange(table.DiscardedBytes - before, oldBytes - (2 * TableMemory.HugePageSize), oldBytes);
        for (ulong i = 1; i <= n; i++)
        {
            Assert.Equal((long)i, table.GetValueRefOrNullRef(Key(i)).GoId);
        }
    }

    [Fact]
    public void Discard_GivesAMappedBlocksPagesBack_AndKeepsTheRest()
    {
        if (!OperatingSystem.IsLinux() || !TableMemory.HugePagesAvailable)
        {
            Assert.Skip("mapped table blocks are Linux's");
        }

        const int MiB = 1 << 20;
        NativeRegion region = TableMemory.AllocateNative(8 * MiB, hugePages: true);
        try
        {
            Span<byte> bytes = region.AsSpan();
            bytes.Fill(0xa5);
            long resident = TableMemory.ResidentBytes(region);
            Assert.True(resident >= 8 * MiB, $"{resident} bytes resident after filling 8 MiB");

            Assert.True(TableMemory.Discard(region, 2 * MiB, 4 * MiB));
            Assert.InRange(TableMemory.ResidentBytes(region), 4 * MiB, 5 * MiB);
            Assert.Equal(-1, bytes.Slice(2 * MiB, 4 * MiB).IndexOfAnyExcept((byte)0));
            Assert.Equal(-1, bytes[..(2 * MiB)].IndexOfAnyExcept((byte)0xa5));
            Assert.Equal(-1, bytes[(6 * MiB)..].IndexOfAnyExcept((byte)0xa5));
        }
        finally
        {
            TableMemory.Free(region);
        }

        // A block from the allocator is not the table's to cut up.
        NativeRegion small = TableMemory.AllocateNative(4096, hugePages: true);
        Assert.False(TableMemory.Discard(small, 0, 4096));
        TableMemory.Free(small);
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
