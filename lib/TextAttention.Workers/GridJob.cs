using System.Text.Json;
using System.Text.Json.Serialization;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Training;

namespace TextAttention.Workers;

/// <summary>One corpus of a <see cref="GridJob"/>: how to load it, and the name and fingerprint the load must reproduce.</summary>
public sealed record JobCorpus(CorpusRecipe Recipe, string Name, string Fingerprint);

/// <summary>
/// What the worker processes of one grid are asked to train: the corpora (as recipes, since a process cannot share
/// its parent's memory), the runs still to do in grid order, and the <see cref="RunStore"/> that receives them. Workers
/// take runs from the list by claiming them in the store, so N workers share one list without a coordinator and each
/// run is trained once. With <paramref name="SaveModels"/> each run's weights are stored too.
/// </summary>
public sealed record GridJob(IReadOnlyList<JobCorpus> Corpora, IReadOnlyList<RunSpec> Runs, string Store, bool SaveModels = false)
{
    /// <summary>Writes the job atomically as JSON.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this));

    /// <exception cref="InvalidDataException">The file is not a job; its path is named.</exception>
    public static GridJob Load(string path)
    {
        try
        {
            var job = JsonSerializer.Deserialize<GridJob>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty job file.");
            return job.Corpora is null || job.Runs is null || job.Store is null ? throw new InvalidDataException($"{path}: not a grid job (a field is missing).") : job;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a grid job ({e.Message}).", e);
        }
    }
}

/// <summary>What a worker says about a run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkerEventKind>))]
public enum WorkerEventKind
{
    Starting,
    Batch,
    Epoch,
    Finished,
}

/// <summary>What a worker reports, one JSON object per line on its standard output.</summary>
/// <param name="Run">Index into the job's <see cref="GridJob.Runs"/>.</param>
public sealed record WorkerEvent(WorkerEventKind Kind, int Run, BatchProgress? Batch = null, EpochRecord? Epoch = null)
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
