using System.Text.Json;
using TextAttention.Data;
using TextAttention.IO;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>One corpus of a <see cref="GridJob"/>: how to load it, its name, and the fingerprint the load must reproduce.</summary>
public sealed record JobCorpus(CorpusRecipe Recipe, string Name, string Fingerprint);

/// <summary>One run of a <see cref="GridJob"/>: an index into its corpora, a pooling, a seed and its learning rate.</summary>
public sealed record JobRun(int Corpus, string Pooling, int Seed, double LearningRate);

/// <summary>
/// What a worker process is asked to train: the corpora (as recipes, since a process cannot share its parent's
/// memory), the runs still to do in grid order, the settings, and the <see cref="RunStore"/> that receives them.
/// Workers take runs from the list by claiming them in the store, so N workers share one list without a
/// coordinator and each run is trained once. With <paramref name="SaveModels"/> each run's weights are stored too.
/// </summary>
public sealed record GridJob(IReadOnlyList<JobCorpus> Corpora, IReadOnlyList<JobRun> Runs, RunSettings Settings, string Store, bool SaveModels = false)
{
    /// <summary>Writes the job atomically as JSON.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this));

    /// <exception cref="InvalidDataException">The file is not a job; its path is named.</exception>
    public static GridJob Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<GridJob>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty job file.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a grid job ({e.Message}).", e);
        }
    }
}

/// <summary>What a worker reports, one JSON object per line on its standard output.</summary>
/// <param name="Kind"><c>starting</c>, <c>batch</c>, <c>epoch</c> or <c>finished</c>.</param>
/// <param name="Run">Index into the job's <see cref="GridJob.Runs"/>.</param>
public sealed record WorkerEvent(string Kind, int Run, BatchProgress? Batch = null, EpochRecord? Epoch = null)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The event on a line, or null for a line that is not one (a worker may print other things).</summary>
    public static WorkerEvent? Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line) || !line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<WorkerEvent>(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The worker's side of a parallel grid: trains the runs of a job that no other worker has claimed.</summary>
public static class GridWorker
{
    /// <summary>
    /// Loads each corpus the first time one of its runs is claimed, checks that it is the parent's data (same
    /// fingerprint), and trains claimed runs with the job's threads, saving each to the store as it ends.
    /// </summary>
    /// <param name="setThreads">Fixes the TorchSharp thread count (the caller owns the process-wide setting).</param>
    /// <param name="report">Receives every event, for the parent to show.</param>
    /// <exception cref="InvalidDataException">A corpus loads with another fingerprint than the parent's.</exception>
    public static void Run(GridJob job, Action<int> setThreads, Action<WorkerEvent> report)
    {
        var store = new RunStore(job.Store);
        var prepared = new PreparedCorpus?[job.Corpora.Count];
        setThreads(job.Settings.Threads);
        for (var i = 0; i < job.Runs.Count; i++)
        {
            var run = job.Runs[i];
            var corpus = job.Corpora[run.Corpus];
            var settings = job.Settings.WithLearningRate(run.LearningRate);

            if (!store.TryClaim(corpus.Name, corpus.Fingerprint, run.Pooling, run.Seed, settings, job.SaveModels))
            {
                continue;
            }

            var data = prepared[run.Corpus] ??= Prepare(corpus, job.Settings);
            var index = i;
            report(new WorkerEvent("starting", index));
            var result = Experiment.Run(data, run.Pooling, run.Seed, settings,
                progress => report(new WorkerEvent("batch", index, Batch: progress)),
                epoch => report(new WorkerEvent("epoch", index, Epoch: epoch)));
            if (job.SaveModels)
            {
                store.SaveModel(result, settings);
            }

            store.Save(result.ReleaseModel(), settings);
            report(new WorkerEvent("finished", index));
        }
    }

    private static PreparedCorpus Prepare(JobCorpus corpus, RunSettings settings)
    {
        var loaded = corpus.Recipe.Load();
        if (loaded.Fingerprint != corpus.Fingerprint || loaded.Name != corpus.Name)
        {
            throw new InvalidDataException(
                $"{corpus.Recipe.NameOrPath}: this worker loaded data with fingerprint {loaded.Fingerprint}, its parent had {corpus.Fingerprint}; the files changed while the grid ran.");
        }

        return Experiment.Prepare(loaded, settings);
    }
}
