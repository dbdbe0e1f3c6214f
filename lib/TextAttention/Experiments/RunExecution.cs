using TextAttention.Training;
using TorchSharp;

namespace TextAttention.Experiments;

/// <summary>Hears what happens to the runs an executor trains, keyed by their specs.</summary>
public interface IRunListener
{
    void Starting(RunSpec run);

    void Batch(RunSpec run, BatchProgress progress);

    void Epoch(RunSpec run, EpochRecord epoch);

    /// <summary>A run has ended and is stored. When it trained in this process, its model is still in memory during this call.</summary>
    void Finished(RunSpec run, RunResult result);
}

/// <summary>What an executor needs besides the runs: their data, where finished runs go, and whether their weights go too.</summary>
/// <param name="Store">Where each finished run is saved; null keeps nothing (only an in-process executor can do without).</param>
/// <param name="SaveModels">Also store each run's trained weights (needs a store).</param>
public sealed record RunInputs(RunData Data, RunStore? Store, bool SaveModels);

/// <summary>
/// Trains runs that are not done yet: in this process one at a time (<see cref="InProcessExecutor"/>), or spread over
/// worker processes (the TextAttention.Workers project). Whatever the executor, each run is seeded and threaded by its
/// spec alone, so the numbers do not depend on it.
/// </summary>
public interface IRunExecutor
{
    /// <summary>Trains and stores every run, telling <paramref name="listener"/>; returns when all have finished.</summary>
    /// <exception cref="InvalidOperationException">A run did not finish; the message says which and why.</exception>
    void Execute(IReadOnlyList<RunSpec> runs, RunInputs inputs, IRunListener listener);
}

/// <summary>The sequence every executor follows for one run, written once: train, store the weights, store the figures, report, release.</summary>
public static class RunExecution
{
    /// <summary>
    /// Trains <paramref name="spec"/> on <paramref name="data"/> with the spec's threads, saves its weights (when
    /// <paramref name="saveModel"/>) and then its figures (which mark it done) to <paramref name="store"/>, tells the
    /// listener while the model is still in memory, and returns the result without it.
    /// </summary>
    public static RunResult TrainAndStore(RunSpec spec, PreparedCorpus data, RunStore? store, bool saveModel, IRunListener listener)
    {
        var threads = torch.get_num_threads();
        RunResult result;
        try
        {
            torch.set_num_threads(spec.Settings.Threads);
            listener.Starting(spec);
            result = Experiment.Run(data, spec, progress => listener.Batch(spec, progress), epoch => listener.Epoch(spec, epoch));
        }
        finally
        {
            torch.set_num_threads(threads);
        }

        try
        {
            if (saveModel)
            {
                (store ?? throw new InvalidOperationException("keeping models needs a run store to keep them in.")).SaveModel(result);
            }

            store?.Save(result);
            listener.Finished(spec, result);
        }
        finally
        {
            result = result.ReleaseModel();
        }

        return result;
    }
}

/// <summary>Trains every run in this process, one after the other.</summary>
public sealed class InProcessExecutor : IRunExecutor
{
    public void Execute(IReadOnlyList<RunSpec> runs, RunInputs inputs, IRunListener listener)
    {
        foreach (var spec in runs)
        {
            RunExecution.TrainAndStore(spec, inputs.Data.Prepared(spec), inputs.Store, inputs.SaveModels, listener);
        }
    }
}
