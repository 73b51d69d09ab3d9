namespace GoTraceEngine.Reporting;

/// <summary>Round tick steps for the timeline's axes: whole goroutines on y, round durations or line numbers on x.</summary>
internal static class TimelineTicks
{
    private const long Second = 1_000_000_000L;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;

    /// <summary>Durations a person reads at a glance, below a day; past it, whole days.</summary>
    private static readonly long[] s_durations =
    [
        10 * Second, 15 * Second, 30 * Second, Minute, 2 * Minute, 5 * Minute, 10 * Minute, 15 * Minute, 30 * Minute,
        Hour, 2 * Hour, 3 * Hour, 6 * Hour, 12 * Hour, 24 * Hour,
    ];

    /// <summary>The smallest of 1, 2, 5 × 10ⁿ (at least 1) that covers <paramref name="max"/> in <paramref name="intervals"/> steps.</summary>
    public static long IntegerStep(long max, int intervals)
    {
        long need = Math.Max(1, (Math.Max(max, 1) + intervals - 1) / intervals);
        for (long power = 1; ; power *= 10)
        {
            foreach (long multiple in (ReadOnlySpan<long>)[1, 2, 5])
            {
                if (power * multiple >= need)
                {
                    return power * multiple;
                }
            }
        }
    }

    /// <summary>The axis' top: <paramref name="max"/> rounded up to a whole number of steps (at least one step).</summary>
    public static long Top(long max, long step) => Math.Max(step, (max + step - 1) / step * step);

    /// <summary>A round duration (1, 2, 5 × 10ⁿ ns below 10 s; 10 s, 15 s, 30 s, 1 m … 24 h; then whole days) covering <paramref name="span"/> in <paramref name="intervals"/> steps.</summary>
    public static long DurationStep(long span, int intervals)
    {
        long need = Math.Max(1, (span + intervals - 1) / intervals);
        if (need <= 5 * Second)
        {
            return IntegerStep(span, intervals);
        }

        foreach (long step in s_durations)
        {
            if (step >= need)
            {
                return step;
            }
        }

        return 24 * Hour * IntegerStep((need + (24 * Hour) - 1) / (24 * Hour), 1);
    }

    /// <summary>A tick's label: <c>0</c>, whole hours and minutes as <c>2h</c>, <c>5m</c>, the rest as the report writes durations.</summary>
    public static string DurationLabel(long ns) =>
        ns == 0 ? "0"
        : ns % Hour == 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ns / Hour}h")
        : ns % Minute == 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ns / Minute}m")
        : ReportWriter.FormatDuration(ns);
}
