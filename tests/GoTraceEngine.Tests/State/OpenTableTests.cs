using System.Runtime.CompilerServices;
using GoTraceEngine.State;

namespace GoTraceEngine.Tests.State;

public sealed class OpenTableTests
{
    [Theory]
    [InlineData(1, 64, 200_000)]
    [InlineData(2, 4_096, 200_000)]
    [InlineData(3, 50_000, 300_000)]
    public void Operations_AgainstDictionaryModel_AgreeAtEveryStep(int seed, int pointerPool, int steps)
    {
        // g pointers come from a small pool (the runtime's free list), so keys are reused all the time.
        var random = new Random(seed);
        var table = new OpenTable<long>(16);
        var model = new Dictionary<ulong, long>();
        ulong[] pool = new ulong[pointerPool];
        for (int i = 0; i < pool.Length; i++)
        {
            // Aligned heap-like addresses: low bits carry nothing.
            pool[i] = 0xc000000000UL + ((ulong)random.Next(1, int.MaxValue) << 6);
        }

        for (int step = 0; step < steps; step++)
        {
            ulong key = pool[random.Next(pool.Length)];
            switch (random.Next(3))
            {
                case 0:
                    ref long value = ref table.GetValueRefOrAddDefault(key, out bool exists);
                    Assert.Equal(model.ContainsKey(key), exists);
                    value = step;
                    model[key] = step;
                    break;
                case 1:
                    Assert.Equal(model.Remove(key), table.Remove(key));
                    break;
                default:
                    ref long found = ref table.GetValueRefOrNullRef(key);
                    Assert.Equal(model.TryGetValue(key, out long expected), !Unsafe.IsNullRef(ref found));
                    if (!Unsafe.IsNullRef(ref found))
                    {
                        Assert.Equal(expected, found);
                    }

                    break;
            }

            Assert.Equal(model.Count, table.Count);
        }

        foreach (KeyValuePair<ulong, long> pair in model)
        {
            Assert.Equal(pair.Value, table.GetValueRefOrNullRef(pair.Key));
        }

        int occupied = 0;
        for (int i = 0; i < table.Capacity; i++)
        {
            if (table.DangerousGetEntry(i).Key != 0)
            {
                occupied++;
            }
        }

        Assert.Equal(model.Count, occupied);
    }

    [Fact]
    public void Remove_UnderChurn_LeavesNoTombstonesAndNoGrowth()
    {
        var table = new OpenTable<int>(16);
        for (ulong round = 0; round < 100_000; round++)
        {
            ulong key = 0xc000000000UL + ((round % 8) << 9);
            table.GetValueRefOrAddDefault(key, out _) = 1;
            if (round >= 4)
            {
                Assert.True(table.Remove(0xc000000000UL + (((round - 4) % 8) << 9)));
            }
        }

        // A bounded live set never grows the table however many inserts and removes went through it.
        Assert.Equal(4, table.Count);
        Assert.Equal(16, table.Capacity);
    }

    [Fact]
    public void GetValueRefOrAddDefault_PastHalf_GrowsByDoubling()
    {
        var table = new OpenTable<int>(16);
        for (ulong i = 1; i <= 8; i++)
        {
            table.GetValueRefOrAddDefault(i << 12, out _) = (int)i;
        }

        Assert.Equal(16, table.Capacity);
        table.GetValueRefOrAddDefault(9UL << 12, out _) = 9;
        Assert.Equal(32, table.Capacity);
        for (ulong i = 1; i <= 9; i++)
        {
            Assert.Equal((int)i, table.GetValueRefOrNullRef(i << 12));
        }
    }
}
