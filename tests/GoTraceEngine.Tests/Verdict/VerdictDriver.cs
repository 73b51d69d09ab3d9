using GoTraceEngine.Parsing;
using GoTraceEngine.State;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// Drives a <see cref="LeakVerdict"/> from the events an engine applies, as the engine's own park / ready / destroy
/// handling will: the per-goroutine bookkeeping the engine's tables will hold (group index, park time, wait object) is
/// kept here in a pre-sized dictionary. Also classifies the engine's blocked goroutines at a cut.
/// </summary>
internal sealed class VerdictDriver
{
    private readonly Dictionary<ulong, GoroutineState> _goroutines;
    private bool _clockChosen;

    public VerdictDriver(int capacity = 1024, VerdictOptions options = default)
    {
        _goroutines = new Dictionary<ulong, GoroutineState>(capacity);
        Verdict = new LeakVerdict(options);
    }

    public LeakVerdict Verdict { get; }

    /// <summary>When set, every call made to the verdict is recorded (for the benchmark's verdict-only row).</summary>
    public List<VerdictCall>? Calls { get; set; }

    /// <summary>The reason table in force (the engine's; a header can change it).</summary>
    public ReasonTable Reasons { get; set; } = ReasonTable.TraceBlockReason;

    /// <summary>A sink-side engine whose reason table the driver follows; optional.</summary>
    public TraceEngine<VerdictSink>? Engine { get; set; }

    public static TraceEngine<VerdictSink> CreateEngine(VerdictDriver driver, TraceEngineOptions options = default)
    {
        var engine = new TraceEngine<VerdictSink>(options, new VerdictSink { Driver = driver });
        driver.Engine = engine;
        return engine;
    }

    public void OnEvent(in TraceEvent e)
    {
        LeakVerdict verdict = Verdict;
        if (!_clockChosen)
        {
            _clockChosen = true;
            verdict.Clock = e.Has(TraceEventFields.Timestamp) ? VerdictClock.Nanoseconds : VerdictClock.Events;
        }

        long now = verdict.Clock == VerdictClock.Events ? e.LineNumber
            : e.Has(TraceEventFields.Timestamp) || e.Timestamp != 0 ? e.Timestamp : Math.Max(verdict.Now, 0);
        ulong g = e.GPointer;
        switch (e.Kind)
        {
            case TraceEventKind.Create:
            {
                ref GoroutineState state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_goroutines, g, out bool exists);
                if (exists && state.Blocked)
                {
                    // Its destroy was missed: the park it was in has ended.
                    Release(state.Group, state.WaitObject, state.ParkTime, now);
                }
                else
                {
                    Activity(now);
                }

                state = new GoroutineState { StartFunction = e.StartFunction, Creator = e.Creator };
                break;
            }

            case TraceEventKind.Park:
            {
                ref GoroutineState state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_goroutines, g);
                if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref state))
                {
                    Activity(now);
                    break;
                }

                if (state.StartFunction == 0)
                {
                    state.StartFunction = e.StartFunction;
                }

                if (state.Creator == 0)
                {
                    state.Creator = e.Creator;
                }

                ReasonTable reasons = Engine?.Reasons ?? Reasons;
                if (reasons.IsBlocking(e.Reason))
                {
                    if (state.Blocked && state.Reason == e.Reason)
                    {
                        // The same park seen twice (gopark's prologue retried): keep its start.
                        Activity(now);
                        break;
                    }

                    if (state.Blocked)
                    {
                        Release(state.Group, state.WaitObject, state.ParkTime, now);
                    }

                    state.Group = Park(state.StartFunction, state.Creator, e.Reason, e.WaitObject, now);
                    state.Blocked = true;
                    state.Reason = e.Reason;
                    state.WaitObject = e.WaitObject;
                    state.ParkTime = now;
                }
                else if (state.Blocked)
                {
                    state.Blocked = false;
                    Release(state.Group, state.WaitObject, state.ParkTime, now);
                }
                else
                {
                    Activity(now);
                }

                break;
            }

            case TraceEventKind.Ready:
            {
                ref GoroutineState state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_goroutines, g);
                if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref state))
                {
                    UntrackedRelease(now);
                }
                else if (state.Blocked)
                {
                    state.Blocked = false;
                    Release(state.Group, state.WaitObject, state.ParkTime, now);
                }
                else
                {
                    Activity(now);
                }

                break;
            }

            case TraceEventKind.Destroy:
                if (_goroutines.Remove(g, out GoroutineState gone) && gone.Blocked)
                {
                    Release(gone.Group, gone.WaitObject, gone.ParkTime, now);
                }
                else
                {
                    Activity(now);
                }

                break;
            default:
                verdict.Advance(now);
                Calls?.Add(new VerdictCall(VerdictCallKind.Advance, 0, 0, 0, 0, 0, now));
                break;
        }
    }

    private int Park(int startFunction, int creator, byte reason, ulong waitObject, long now)
    {
        Calls?.Add(new VerdictCall(VerdictCallKind.Park, startFunction, creator, reason, waitObject, 0, now));
        return Verdict.OnPark(startFunction, creator, reason, waitObject, now);
    }

    private void Release(int group, ulong waitObject, long parkTime, long now)
    {
        Calls?.Add(new VerdictCall(VerdictCallKind.Release, group, 0, 0, waitObject, parkTime, now));
        Verdict.OnRelease(group, waitObject, parkTime, now);
    }

    private void UntrackedRelease(long now)
    {
        Calls?.Add(new VerdictCall(VerdictCallKind.UntrackedRelease, 0, 0, 0, 0, 0, now));
        Verdict.OnUntrackedRelease(now);
    }

    private void Activity(long now)
    {
        Calls?.Add(new VerdictCall(VerdictCallKind.Activity, 0, 0, 0, 0, 0, now));
        Verdict.OnActivity(now);
    }

    /// <summary>The verdict on a goroutine the engine holds blocked, or false when the driver never saw its park.</summary>
    public bool TryClassify(ulong g, out VerdictEvidence evidence)
    {
        if (_goroutines.TryGetValue(g, out GoroutineState state) && state.Blocked)
        {
            evidence = Verdict.Classify(state.Group, state.WaitObject, state.ParkTime, foundBlocked: false);
            return true;
        }

        evidence = default;
        return false;
    }

    private struct GoroutineState
    {
        public ulong WaitObject;
        public long ParkTime;
        public int StartFunction;
        public int Creator;
        public int Group;
        public byte Reason;
        public bool Blocked;
    }
}

internal enum VerdictCallKind : byte
{
    Park,
    Release,
    UntrackedRelease,
    Activity,
    Advance,
}

/// <summary>One call the driver made to the verdict (a park's group is what <see cref="LeakVerdict.OnPark"/> returns on replay).</summary>
internal readonly record struct VerdictCall(VerdictCallKind Kind, int GroupOrFunction, int Creator, byte Reason, ulong WaitObject, long ParkTime, long Now)
{
    /// <summary>Makes the same calls on <paramref name="verdict"/>.</summary>
    public static void Replay(LeakVerdict verdict, ReadOnlySpan<VerdictCall> calls)
    {
        foreach (ref readonly VerdictCall call in calls)
        {
            switch (call.Kind)
            {
                case VerdictCallKind.Park:
                    verdict.OnPark(call.GroupOrFunction, call.Creator, call.Reason, call.WaitObject, call.Now);
                    break;
                case VerdictCallKind.Release:
                    verdict.OnRelease(call.GroupOrFunction, call.WaitObject, call.ParkTime, call.Now);
                    break;
                case VerdictCallKind.UntrackedRelease:
                    verdict.OnUntrackedRelease(call.Now);
                    break;
                case VerdictCallKind.Activity:
                    verdict.OnActivity(call.Now);
                    break;
                default:
                    verdict.Advance(call.Now);
                    break;
            }
        }
    }
}

/// <summary>The struct sink the engine calls: forwards each applied event to the driver.</summary>
internal struct VerdictSink : ITraceSink
{
    public VerdictDriver? Driver;

    public readonly void OnEvent(in TraceEvent e) => Driver!.OnEvent(in e);
}
