using System.Globalization;
using System.Runtime.Intrinsics.X86;
using System.Text;
using GoTraceEngine.Internal;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Tests.Parsing;

/// <summary>
/// Every vector path has a scalar twin: the two are compared token by token here, and the whole Parsing suite runs
/// once as is and once with <c>GOTRACE_FORCE_SCALAR=1</c>, which this class proves takes effect.
/// </summary>
public sealed class SimdNumbersTests
{
    private static readonly byte[] s_tokenBytes = "0123456789abcdefABCDEFxX-+ g:"u8.ToArray();

    [Fact]
    public void IsEnabled_FollowsGotraceForceScalar()
    {
        bool forced = Environment.GetEnvironmentVariable(Vectorization.ForceScalarVariable) == "1";
        Assert.Equal(!forced, Vectorization.Enabled);
        Assert.Equal(Sse41.IsSupported && !forced, SimdNumbers.IsEnabled);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData(" 1 ", true)]
    [InlineData("0", false)]
    [InlineData("", false)]
    [InlineData("true", false)]
    [InlineData(null, false)]
    public void IsForced_OnlyForOne(string? value, bool forced)
    {
        Assert.Equal(forced, Vectorization.IsForced(value));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TryParseHex_AgreesWithItsScalarTwin(int seed)
    {
        Assert.SkipUnless(SimdNumbers.IsSupported, "the CPU has no SSE4.1");
        var random = new Random(seed);
        byte[] line = new byte[48];
        int decided = 0;
        for (int n = 0; n < 50_000; n++)
        {
            int length = FillToken(line, random);
            int vectorEnd = 0, scalarEnd = 0;
            int vector = SimdNumbers.TryParseHex(line, ref vectorEnd, out ulong vectorValue);
            bool scalar = NumberParser.ScanHexScalar(line, ref scalarEnd, out ulong scalarValue);
            if (vector < 0)
            {
                continue;
            }

            decided++;
            string token = Encoding.ASCII.GetString(line, 0, length);
            Assert.True(scalar == (vector > 0), token);
            if (scalar)
            {
                Assert.True(scalarValue == vectorValue, token);
                Assert.True(scalarEnd == vectorEnd, token);
            }
        }

        Assert.True(decided > 10_000, $"the vector path decided only {decided} tokens");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TryParseHexToEnd_AgreesWithItsScalarTwin(int seed)
    {
        Assert.SkipUnless(SimdNumbers.IsSupported, "the CPU has no SSE4.1");
        var random = new Random(seed);
        int decided = 0;
        for (int n = 0; n < 50_000; n++)
        {
            // A line's last token: 1 to 16 bytes, mostly hex digits, after 0 to 20 other bytes (the vector load reaches
            // back into them when the token is short).
            int length = random.Next(1, 17);
            byte[] line = new byte[Math.Max(16, length + random.Next(21))];
            int start = line.Length - length;
            for (int i = 0; i < line.Length; i++)
            {
                line[i] = random.Next(8) == 0 ? s_tokenBytes[random.Next(s_tokenBytes.Length)] : s_tokenBytes[random.Next(22)];
            }

            int scalarEnd = start;
            bool scalar = NumberParser.ScanHexScalar(line, ref scalarEnd, out ulong scalarValue);
            if (!SimdNumbers.TryParseHexToEnd(line, start, out ulong vectorValue))
            {
                // Declined: a byte that is not a hex digit, which the scalar path decides.
                Assert.True(Array.Exists(line[start..], b => !Uri.IsHexDigit((char)b)), Encoding.ASCII.GetString(line));
                continue;
            }

            decided++;
            string token = Encoding.ASCII.GetString(line, start, length);
            Assert.True(scalar, token);
            Assert.True(scalarEnd == line.Length, token);
            Assert.True(scalarValue == vectorValue, token);
            Assert.Equal(Convert.ToUInt64(token, 16), vectorValue);
        }

        Assert.True(decided > 10_000, $"the vector path decided only {decided} tokens");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TryParseDecimal_AgreesWithItsScalarTwin(int seed)
    {
        Assert.SkipUnless(SimdNumbers.IsSupported, "the CPU has no SSE4.1");
        var random = new Random(seed);
        byte[] line = new byte[48];
        int decided = 0;
        for (int n = 0; n < 50_000; n++)
        {
            int length = random.Next(4) == 0 ? FillToken(line, random) : FillDigits(line, random);
            int vectorEnd = 0, scalarEnd = 0;
            int vector = SimdNumbers.TryParseDecimal(line, ref vectorEnd, out long vectorValue);
            bool scalar = NumberParser.ScanIntegerScalar(line, ref scalarEnd, out long scalarValue);
            if (vector <= 0)
            {
                // The decimal vector path only accepts; everything else is the scalar path's to decide.
                continue;
            }

            decided++;
            string token = Encoding.ASCII.GetString(line, 0, length);
            Assert.True(scalar, token);
            Assert.True(scalarValue == vectorValue, token);
            Assert.True(scalarEnd == vectorEnd, token);
            Assert.Equal(long.Parse(Encoding.ASCII.GetString(line, 0, vectorEnd), CultureInfo.InvariantCulture), vectorValue);
        }

        Assert.True(decided > 10_000, $"the vector path decided only {decided} tokens");
    }

    /// <summary>A token of 0 to 18 bytes, mostly hex digits, then a blank and more readable bytes.</summary>
    private static int FillToken(byte[] line, Random random)
    {
        int length = random.Next(19);
        for (int i = 0; i < length; i++)
        {
            line[i] = random.Next(8) == 0 ? s_tokenBytes[random.Next(s_tokenBytes.Length)] : s_tokenBytes[random.Next(22)];
        }

        return Terminate(line, length, random);
    }

    private static int FillDigits(byte[] line, Random random)
    {
        int length = random.Next(1, 16);
        for (int i = 0; i < length; i++)
        {
            line[i] = (byte)('0' + random.Next(10));
        }

        return Terminate(line, length, random);
    }

    private static int Terminate(byte[] line, int length, Random random)
    {
        line[length] = random.Next(2) == 0 ? (byte)' ' : (byte)'\t';
        for (int i = length + 1; i < line.Length; i++)
        {
            line[i] = (byte)'x';
        }

        return length;
    }
}
