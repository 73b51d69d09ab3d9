namespace GoTraceEngine.Generation;

// What each kind of goroutine does. Codes: traceBlockReason (Go 1.22) 3 select, 4 cond, 5 sync, 6 chan send,
// 7 chan receive, 2 network; waitReason (Go 1.22) 9 select, 20 sync.Cond.Wait, 18 semacquire, 21 sync.Mutex.Lock,
// 15 chan send, 14 chan receive, 2 IO wait.
public sealed partial class BusyTraceGenerator
{
    private const int ExitStage = 99;
    private const long Us = 1_000;

    private void Step(int slot)
    {
        ref Gor g = ref Slot(slot);
        if (g.Stage == ExitStage)
        {
            Destroy(slot);
            return;
        }

        switch (g.Role)
        {
            case Role.Conn:
                ConnStep(slot);
                break;
            case Role.Ticker:
                LoopStep(slot, Sec - (50 * Us), 50 * Us);
                break;
            case Role.Session:
                SessionStep(slot);
                break;
            case Role.Poller:
                PollerStep(slot);
                break;
            case Role.Handler:
                HandlerStep(slot);
                break;
            case Role.Fetcher:
                FetcherStep(slot);
                break;
            case Role.PoolWorker:
                PoolWorkerStep(slot);
                break;
            case Role.BatchWorker:
                BatchWorkerStep(slot);
                break;
            case Role.Drainer:
                if (g.Owner != _drainQueue.Generation)
                {
                    Destroy(slot);
                }
                else
                {
                    Block(slot, 4, 20, _drainQueue.Cond);
                }

                break;
            case Role.LeakDrainer:
                Block(slot, 4, 20, g.Obj);
                MarkLeaked(slot, BusyLeakKind.CondNeverSignalled);
                break;
            case Role.Watcher:
                WatcherStep(slot);
                break;
            case Role.Updater:
                UpdaterStep(slot);
                break;
        }
    }

    /// <summary>Runs, then blocks in select for <paramref name="period"/>, forever (a ticker loop).</summary>
    private void LoopStep(int slot, long period, long run)
    {
        ref Gor g = ref Slot(slot);
        if (g.Stage == 0)
        {
            g.Stage = 1;
            BlockFor(slot, 3, 9, 0, period);
        }
        else
        {
            g.Stage = 0;
            Ready(slot);
            Wake(slot, run);
        }
    }

    // ---- Keep-alive connections: idle in select between requests, short or long; the bulk of the population ----

    private void StartConn(long delay)
    {
        int slot = Spawn(Role.Conn);
        Slot(slot).Counter = 1 + (int)Exp(15);
        Wake(slot, delay + Exp(200 * Us));
    }

    private void ConnStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        if (g.Stage != 0)
        {
            g.Stage = 0;
            Ready(slot);
            Wake(slot, Exp(200 * Us));
        }
        else if (--g.Counter <= 0)
        {
            Destroy(slot);
            Timer(Act.Replace, Exp(50 * Ms), (int)Role.Conn);
        }
        else if (_random.Next(10) < 3)
        {
            g.Stage = 1;
            ParkFor(slot, 2, 2, Exp(5 * Ms));
        }
        else
        {
            g.Stage = 1;
            long idle = _random.Next(10) < 6 ? Exp(300 * Ms) : Math.Min(90 * Sec, Exp(15 * Sec));
            BlockFor(slot, 3, 9, 0, idle);
        }
    }

    // ---- Sessions: a keep-alive ticker every 10 s for a minute or so ----

    private void StartSession(long delay)
    {
        int slot = Spawn(Role.Session);
        Slot(slot).Counter = 1 + (int)(Exp(60 * Sec) / (10 * Sec));
        Wake(slot, delay + Exp(100 * Us));
    }

    private void SessionStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        if (g.Stage != 0)
        {
            g.Stage = 0;
            Ready(slot);
            Wake(slot, Exp(100 * Us));
        }
        else if (--g.Counter <= 0)
        {
            Destroy(slot);
            Timer(Act.Replace, Exp(Sec), (int)Role.Session);
        }
        else
        {
            g.Stage = 1;
            BlockFor(slot, 3, 9, 0, (10 * Sec) + Uniform(2 * Ms));
        }
    }

    // ---- Long polls: select on an event or a 25 s timeout, then a network round trip ----

    private void StartPoller(long delay)
    {
        int slot = Spawn(Role.Poller);
        Slot(slot).Counter = 1 + (int)Exp(10);
        Wake(slot, delay + Exp(100 * Us));
    }

    private void PollerStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        switch (g.Stage)
        {
            case 0 when --g.Counter <= 0:
                Destroy(slot);
                Timer(Act.Replace, Exp(Sec), (int)Role.Poller);
                break;
            case 0:
                g.Stage = 1;
                BlockFor(slot, 3, 9, 0, Math.Min(25 * Sec, Exp(8 * Sec)));
                break;
            case 1:
                g.Stage = 2;
                Ready(slot);
                ParkFor(slot, 2, 2, Exp(10 * Ms));
                break;
            default:
                g.Stage = 0;
                Ready(slot);
                Wake(slot, Exp(100 * Us));
                break;
        }
    }

    // ---- Requests: semaphore, maybe a contended cache mutex, fetchers that send results to the handler ----

    private void StartRequest()
    {
        int index;
        Request request;
        if (_freeRequests.Count > 0)
        {
            index = _freeRequests.Pop();
            request = _requests[index];
        }
        else
        {
            index = _requests.Count;
            request = new Request();
            _requests.Add(request);
        }

        request.Results = NewObj();
        request.Fetchers = 1 + _random.Next(3);
        request.Received = 0;
        request.HandlerWaiting = false;
        request.Done = false;
        request.Alive = 1 + request.Fetchers;
        request.Timeout = _timeoutNextRequest;
        request.Senders.Clear();
        _timeoutNextRequest = false;
        int slot = Spawn(Role.Handler, index);
        request.Handler = slot;
        Wake(slot, Exp(100 * Us));
    }

    private void HandlerStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        Request request = _requests[g.Owner];
        switch (g.Stage)
        {
            case 0:
                if (_semaphoreInUse < _semaphoreCapacity)
                {
                    _semaphoreInUse++;
                    g.Stage = 2;
                    Wake(slot, Exp(100 * Us));
                }
                else
                {
                    g.Stage = 1;
                    Block(slot, 5, 18, _semaphore);
                    _semaphoreWaiters.Enqueue(slot);
                }

                break;
            case 2:
                if (_random.Next(10) < 3)
                {
                    g.Stage = 3;
                    BlockFor(slot, 5, 21, _cacheMutex, Exp(2 * Ms));
                }
                else
                {
                    g.Stage = 4;
                    Wake(slot, Exp(50 * Us));
                }

                break;
            case 3:
                g.Stage = 4;
                Ready(slot);
                Wake(slot, Exp(50 * Us));
                break;
            case 4:
                for (int i = 0; i < request.Fetchers; i++)
                {
                    Wake(Spawn(Role.Fetcher, Slot(slot).Owner), Exp(50 * Us));
                }

                Slot(slot).Stage = 5;
                Receive(slot, request);
                break;
            case 5:
                Receive(slot, request);
                break;
            case 7:
                // The handler's timeout fired: it gives up on the fetchers still running.
                Ready(slot);
                Finish(slot, request);
                break;
        }
    }

    private void Receive(int slot, Request request)
    {
        ref Gor g = ref Slot(slot);
        if (request.Received >= request.Fetchers)
        {
            Finish(slot, request);
        }
        else if (request.Timeout)
        {
            g.Stage = 7;
            BlockFor(slot, 3, 9, 0, Sec);
        }
        else if (request.Senders.Count > 0)
        {
            int sender = request.Senders.Dequeue();
            Ready(sender);
            Slot(sender).Stage = ExitStage;
            Wake(sender, Exp(20 * Us));
            request.Received++;
            Wake(slot, Exp(3 * Ms));
        }
        else
        {
            g.Stage = 6;
            request.HandlerWaiting = true;
            Block(slot, 7, 14, request.Results);
        }
    }

    private void Finish(int slot, Request request)
    {
        request.Done = true;
        if (_semaphoreWaiters.Count > 0)
        {
            int next = _semaphoreWaiters.Dequeue();
            Ready(next);
            Slot(next).Stage = 2;
            Wake(next, Exp(50 * Us));
        }
        else
        {
            _semaphoreInUse--;
        }

        int index = Slot(slot).Owner;
        Destroy(slot);
        Release(index, request);
    }

    private void Release(int index, Request request)
    {
        if (--request.Alive == 0)
        {
            _freeRequests.Push(index);
        }
    }

    private void FetcherStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        Request request = _requests[g.Owner];
        if (g.Stage == 0)
        {
            g.Stage = 1;
            ParkFor(slot, 2, 2, request.Timeout ? (1200 * Ms) + Exp(2 * Sec) : Exp(20 * Ms));
            return;
        }

        Ready(slot);
        if (request.Done)
        {
            // The handler is gone: nobody will ever receive this send.
            g.Stage = 8;
            Block(slot, 6, 15, request.Results);
            MarkLeaked(slot, BusyLeakKind.ChanSendNoReceiver);
        }
        else if (request.HandlerWaiting)
        {
            request.HandlerWaiting = false;
            request.Received++;
            Ready(request.Handler);
            Slot(request.Handler).Stage = 5;
            Wake(request.Handler, Exp(3 * Ms));
            g.Stage = ExitStage;
            Wake(slot, Exp(20 * Us));
            Release(g.Owner, request);
        }
        else
        {
            g.Stage = 8;
            Block(slot, 6, 15, request.Results);
            request.Senders.Enqueue(slot);
            Release(g.Owner, request);
        }
    }

    // ---- The worker pool: workers idle on a shared jobs channel between bursts of jobs; restarted now and then ----

    private void NewPool()
    {
        _pool = new Pool { Jobs = NewObj(), Generation = _pool.Generation + 1, Idle = new Queue<int>() };
        for (int i = 0; i < PoolWorkers; i++)
        {
            Wake(Spawn(Role.PoolWorker, _pool.Generation), Exp(100 * Us));
        }
    }

    private void ClosePool()
    {
        while (_pool.Idle.Count > 0)
        {
            int worker = _pool.Idle.Dequeue();
            Ready(worker);
            Slot(worker).Stage = ExitStage;
            Wake(worker, Exp(50 * Us));
        }
    }

    private void PoolJob()
    {
        if (_pool.Idle.Count > 0)
        {
            int worker = _pool.Idle.Dequeue();
            Ready(worker);
            Slot(worker).Stage = 0;
            Wake(worker, Exp(10 * Ms));
        }
        else
        {
            _pool.Pending++;
        }
    }

    private void PoolWorkerStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        if (g.Owner != _pool.Generation)
        {
            Destroy(slot);
        }
        else if (_pool.Pending > 0)
        {
            _pool.Pending--;
            Wake(slot, Exp(10 * Ms));
        }
        else
        {
            g.Stage = 1;
            Block(slot, 7, 14, _pool.Jobs);
            _pool.Idle.Enqueue(slot);
        }
    }

    // ---- Batches: three workers on a fresh jobs channel; an abandoned batch never closes it ----

    private void StartBatch()
    {
        var batch = new Batch { Jobs = NewObj(), JobsLeft = 5 + _random.Next(26), Abandoned = _abandonNextBatch };
        _abandonNextBatch = false;
        int index = _batches.Count;
        _batches.Add(batch);
        for (int i = 0; i < BatchWorkers; i++)
        {
            int worker = Spawn(Role.BatchWorker, index);
            batch.Workers.Add(worker);
            Wake(worker, Exp(100 * Us));
        }

        Timer(Act.BatchJob, Exp(30 * Ms), index);
    }

    private void BatchJob(int index)
    {
        Batch batch = _batches[index];
        batch.JobsLeft--;
        if (batch.Idle.Count > 0)
        {
            int worker = batch.Idle.Dequeue();
            Ready(worker);
            Slot(worker).Stage = 0;
            Wake(worker, Exp(10 * Ms));
        }
        else
        {
            batch.Pending++;
        }

        if (batch.JobsLeft > 0)
        {
            Timer(Act.BatchJob, Exp(30 * Ms), index);
            return;
        }

        batch.Finished = true;
        while (batch.Idle.Count > 0)
        {
            int worker = batch.Idle.Dequeue();
            if (batch.Abandoned)
            {
                MarkLeaked(worker, BusyLeakKind.ChanReceiveNeverClosed);
            }
            else
            {
                // close(jobs): every idle worker's receive returns and it exits.
                Ready(worker);
                Slot(worker).Stage = ExitStage;
                Wake(worker, Exp(50 * Us));
            }
        }
    }

    private void BatchWorkerStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        Batch batch = _batches[g.Owner];
        if (batch.Pending > 0)
        {
            batch.Pending--;
            Wake(slot, Exp(10 * Ms));
        }
        else if (batch.Finished && !batch.Abandoned)
        {
            Destroy(slot);
        }
        else
        {
            g.Stage = 1;
            Block(slot, 7, 14, batch.Jobs);
            if (batch.Finished)
            {
                MarkLeaked(slot, BusyLeakKind.ChanReceiveNeverClosed);
            }
            else
            {
                batch.Idle.Enqueue(slot);
            }
        }
    }

    // ---- A queue's drainers wait on a sync.Cond, broadcast every second or two; the queue restarts now and then ----

    private void NewDrainQueue()
    {
        _drainQueue = new DrainQueue { Cond = NewObj(), Generation = _drainQueue.Generation + 1, Drainers = [] };
        for (int i = 0; i < Drainers; i++)
        {
            int drainer = Spawn(Role.Drainer, _drainQueue.Generation);
            _drainQueue.Drainers.Add((drainer, Slot(drainer).GoId));
            Wake(drainer, Exp(100 * Us));
        }
    }

    private void Broadcast(bool close)
    {
        foreach ((int slot, long goId) in _drainQueue.Drainers)
        {
            ref Gor g = ref Slot(slot);
            if (g.GoId == goId && g.Phase == Phase.Blocked)
            {
                Ready(slot);
                g.Stage = close ? ExitStage : 0;
                Wake(slot, Exp(5 * Ms));
            }
        }
    }

    // ---- Watchers: wait for one change, then exit; a leaked one selects on cases that never fire ----

    private void WatcherStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        if (g.Aux == 1)
        {
            Block(slot, 3, 9, 0);
            MarkLeaked(slot, BusyLeakKind.SelectForever);
        }
        else if (g.Stage == 0)
        {
            g.Stage = 1;
            BlockFor(slot, 7, 14, NewObj(), Exp(500 * Ms));
        }
        else
        {
            Ready(slot);
            g.Stage = ExitStage;
            Wake(slot, Exp(100 * Us));
        }
    }

    // ---- Store updates: lock the store's mutex, hold it a while; a stuck store's holder never unlocks ----

    private void UpdaterStep(int slot)
    {
        ref Gor g = ref Slot(slot);
        ref Store store = ref _stores[g.Owner];
        if (g.Stage == 0)
        {
            if (!store.Held)
            {
                store.Held = true;
                g.Stage = 2;
                Wake(slot, Exp(300 * Ms));
            }
            else
            {
                g.Stage = 1;
                Block(slot, 5, 21, store.Mutex);
                if (store.Stuck)
                {
                    MarkLeaked(slot, BusyLeakKind.MutexNeverUnlocked);
                }
                else
                {
                    store.Waiters.Enqueue(slot);
                }
            }

            return;
        }

        // Stage 2: done with the store.
        if (store.StuckPending)
        {
            // Returns on an error path without Unlock: the mutex stays held forever.
            store.StuckPending = false;
            store.Stuck = true;
            while (store.Waiters.Count > 0)
            {
                MarkLeaked(store.Waiters.Dequeue(), BusyLeakKind.MutexNeverUnlocked);
            }
        }
        else if (store.Waiters.Count > 0)
        {
            int next = store.Waiters.Dequeue();
            Ready(next);
            Slot(next).Stage = 2;
            Wake(next, Exp(300 * Ms));
        }
        else
        {
            store.Held = false;
        }

        Destroy(slot);
    }
}
