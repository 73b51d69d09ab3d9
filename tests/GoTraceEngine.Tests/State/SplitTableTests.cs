using System.Runtime.CompilerServices;
using GoTraceEngine.State;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.State;

public sealed class SplitTableTests
{
    [Theory]
    [InlineData(1, 64, 200_000)]
    [InlineData(2, 4_096, 200_000)]
    [InlineData(3, 50_000, 300_000)]
    public void Operations_AgainstDictionaryModel_AgreeAtEveryStep(int seed, int pointerPool, int steps)
    {
        var random = new Random(seed);
        var table = new SplitTable<LiveValue>(16);
        var model = new Dictionary<ulong, long>();
        ulong[] pool = new ulong[pointerPool];
        for (int i = 0; i < pool.Length; i++)
        {
            pool[i] = 0xc000000000UL + ((ulong)random.Next(1, int.MaxValue) << 6);
        }

        for (int step = 0; step < steps; step++)
        {
            ulong key = pool[random.Next(pool.Length)];
            table.Prefetch(pool[random.Next(pool.Length)]);
            table.PrefetchValue(pool[random.Next(pool.Length)]);
            switch (random.Next(3))
            {
                case 0:
                    ref LiveValue value = ref table.GetValueRefOrAddDefault(key, out bool exists);
                    Assert.Equal(model.ContainsKey(key), exists);
                    if (!exists)
                    {
                        // A reused record number starts from default, never from the previous goroutine's record.
                        Assert.Equal(default, (value.CreateLineNumber, value.Parent, value.IsBlocked));
                    }

                    value.CreateLineNumber = step;
                    value.Parent = key;
                    value.IsBlocked = step % 2 == 0;
                    model[key] = step;
                    break;
                case 1:
                    bool had = model.TryGetValue(key, out long line);
                    Assert.Equal(had, table.Remove(key, out LiveValue removed));
                    if (had)
                    {
                        Assert.Equal((line, key), (removed.CreateLineNumber, removed.Parent));
                        model.Remove(key);
                    }

                    break;
                default:
                    ref LiveValue found = ref table.GetValueRefOrNullRef(key);
                    Assert.Equal(model.TryGetValue(key, out long expected), !Unsafe.IsNullRef(ref found));
                    if (!Unsafe.IsNullRef(ref found))
                    {
                        Assert.Equal((expected, key, expected % 2 == 0), (found.CreateLineNumber, found.Parent, found.IsBlocked));
                    }

                    break;
            }

            Assert.Equal(model.Count, table.Count);
        }

        int occupied = 0;
        for (int slot = 0; slot < table.Capacity; slot++)
        {
            ulong key = table.KeyAt(slot);
            if (key != 0)
            {
                occupied++;
                Assert.Equal(model[key], table.ValueAt(slot).CreateLineNumber);
            }
        }

        Assert.Equal(model.Count, occupied);
    }

    [Fact]
    public void Memory_AtOneMillionLive_IsUnder80BytesPerGoroutine()
    {
        var table = new SplitTable<LiveValue>(16, TableMemoryKind.Managed);
        for (ulong i = 1; i <= 1_000_000; i++)
        {
            table.GetValueRefOrAddDefault(0xc000000000UL + (i * 0x1a0), out _);
        }

        // Index: 1.5 x 2^20 slots x 16 B = 25.2 MB (dense growth past 8 MiB); records: 62 chunks x 16 384 x 40 B = 40.6 MB;
        // free list: 64 B.
        Assert.Equal(16, Unsafe.SizeOf<OpenTable<int>.Entry>());
        Assert.Equal(40, Unsafe.SizeOf<LiveValue>());
        Assert.Equal(3 << 19, table.Capacity);
        Assert.InRange((double)table.AllocatedBytes / table.Count, 60, 70);
    }

    [Fact]
    public void FloodOfCollidingKeys_HardensTheIndexAndStaysCorrect()
    {
        ulong[] keys = CollidingKeys.Create(20_000);
        var table = new SplitTable<long>(16);
        foreach (ulong key in keys)
        {
            table.GetValueRefOrAddDefault(key, out _) = (long)(key >> 3);
        }

        Assert.True(table.IsHardened);
        foreach (ulong key in keys)
        {
            Assert.Equal((long)(key >> 3), table.GetValueRefOrNullRef(key));
        }
    }

    [Fact]
    public void Churn_AfterWarmUp_AllocatesNothing()
    {
        var table = new SplitTable<LiveValue>(16);
        for (ulong g = 1; g <= 10_000; g++)
        {
            table.GetValueRefOrAddDefault(g * 0x1a0, out _);
        }

        for (ulong g = 1; g <= 10_000; g += 2)
        {
            table.Remove(g * 0x1a0);
        }

        // Measured by Allocations: a single before/after reading also counted the runtime's own tiering allocations.
        Allocations.Measure(5, call =>
        {
            for (ulong g = 1; g <= 10_000; g += 2)
            {
                table.Prefetch(g * 0x1a0);
                table.GetValueRefOrAddDefault(g * 0x1a0, out _).GoId = (long)g;
            }

            for (ulong g = 1; g <= 10_000; g += 2)
            {
                table.Remove(g * 0x1a0);
            }
        }).AssertNone(5);
    }
}
