namespace GoTraceEngine.Tests.Infrastructure;

/// <summary>g pointers chosen to collide under the table's public multiplicative hash: k·K mod 2^64 = j, so every key's top bits are 0.</summary>
internal static class CollidingKeys
{
    private const ulong Fibonacci = 0x9E3779B97F4A7C15UL;

    public static ulong[] Create(int count)
    {
        // The inverse of the odd multiplier modulo 2^64, by Newton's iteration.
        ulong inverse = Fibonacci;
        for (int i = 0; i < 6; i++)
        {
            inverse *= 2 - (Fibonacci * inverse);
        }

        var keys = new ulong[count];
        for (int j = 0; j < count; j++)
        {
            keys[j] = (ulong)(j + 1) * inverse;
        }

        return keys;
    }
}
