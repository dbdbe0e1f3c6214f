using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Training;
using TorchSharp;

namespace TextAttention.Workers;

/// <summary>The worker's side of a parallel grid: trains the runs of a job that no other worker has claimed.</summary>
public static class Worker
{
    /// <summary>The worker program's entry point (<c>dotnet TextAttention.Workers.dll --job FILE</c>, started by <see cref="WorkerProcessExecutor"/>, not by hand). Exit code 0 when every claimed run finished, 1 with a one-line error otherwise.</summary>
    public static int Main(string[] args)
    {
        if (args is not ["--job", var path])
        {
            Console.Error.WriteLine("usage: TextAttention.Workers --job FILE (started by a parallel grid, not by hand)");
            return 2;
        }

        // The parent holds our standard input open; when it dies, the input closes and so do we.
        if (Console.IsInputRedirected)
        {
            new Thread(() =>
            {
                Console.In.ReadToEnd();
                Environment.Exit(130);
            }) { IsBackground = true }.Start();
        }

        var output = Console.Out;
        try
        {
            Run(GridJob.Load(path), e =>
            {
                lock (output)
                {
                    output.WriteLine(e.ToJson());
                    output.Flush();
                }
            });
            return 0;
        }
        catch (Exception e) when (e is IO.DataFormatException or IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    /// <summary>
    /// Loads each corpus the first time one of its runs is claimed, checks that it is the parent's data (same name and
    /// fingerprint), and trains claimed runs (<see cref="RunExecution.TrainAndStore"/>), each with its spec's threads.
    /// </summary>
    /// <param name="report">Receives every event, for the parent to show.</param>
    /// <exception cref="InvalidDataException">A corpus loads with another fingerprint than the parent's.</exception>
    public static void Run(GridJob job, Action<WorkerEvent> report)
    {
        var store = new RunStore(job.Store);
        var data = new Dictionary<string, RunData>();
        var index = job.Runs.Select((run, i) => (run, i)).ToDictionary(x => x.run, x => x.i);
        var listener = new Reporter(index, report);
        foreach (var run in job.Runs)
        {
            if (!store.TryClaim(run, job.SaveModels))
            {
                continue;
            }

            if (!data.TryGetValue(run.Data, out var corpusData))
            {
                var corpus = job.Corpora.FirstOrDefault(c => c.Fingerprint == run.Data)
                             ?? throw new InvalidDataException($"the job has no corpus with fingerprint {run.Data} for {run}.");
                data[run.Data] = corpusData = new RunData([Load(corpus)]);
            }

            RunExecution.TrainAndStore(run, corpusData.Prepared(run), store, job.SaveModels, listener);
        }
    }

    private static Corpus Load(JobCorpus corpus)
    {
        var loaded = corpus.Recipe.Load();
        if (loaded.Fingerprint != corpus.Fingerprint || loaded.Name != corpus.Name)
        {
            throw new InvalidDataException(
                $"{corpus.Recipe.NameOrPath}: this worker loaded data with fingerprint {loaded.Fingerprint}, its parent had {corpus.Fingerprint}; the files changed while the grid ran.");
        }

        return loaded;
    }

    private sealed class Reporter(Dictionary<RunSpec, int> index, Action<WorkerEvent> report) : IRunListener
    {
        public void Starting(RunSpec run) => report(new WorkerEvent(WorkerEventKind.Starting, index[run]));

        public void Batch(RunSpec run, BatchProgress progress) => report(new WorkerEvent(WorkerEventKind.Batch, index[run], Batch: progress));

        public void Epoch(RunSpec run, EpochRecord epoch) => report(new WorkerEvent(WorkerEventKind.Epoch, index[run], Epoch: epoch));

        public void Finished(RunSpec run, RunResult result) => report(new WorkerEvent(WorkerEventKind.Finished, index[run]));
    }
}
