using TextAttention.Attention;
using TextAttention.Models;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>One trained model (null once released) with its history and the figures the experiments report.</summary>
/// <param name="Spec">Which run this is.</param>
/// <param name="History">Every epoch's figures and the best epoch, whose weights the model holds.</param>
/// <param name="Test">The best epoch's model on the test split, with the predicted class of every item.</param>
/// <param name="RealTokenShare">The share of real tokens (not padding) in the training batches.</param>
/// <param name="Seconds">Wall time of the run (not part of any results file: it changes from run to run).</param>
public sealed record RunResult(
    RunSpec Spec,
    TrainingHistory History,
    Evaluation Test,
    BiLstmClassifier? Model,
    double RealTokenShare,
    double Seconds)
{
    /// <summary>
    /// For a corpus with known evidence: the mean share of the pooling's weight that falls on the evidence tokens of
    /// each test example; null otherwise.
    /// </summary>
    public double? EvidenceMass { get; init; }

    /// <summary>For self-attention poolings: what the trained model's matrices A look like on the test split; null otherwise.</summary>
    public AttentionStatistics? Attention { get; init; }

    /// <summary>Per test item, in split order: '1' when the run's prediction is right, '0' when wrong.</summary>
    public string TestCorrect { get; init; } = "";

    public string Dataset => Spec.Corpus;

    public string Data => Spec.Data;

    public string Pooling => Spec.Pooling;

    public int Seed => Spec.Seed;

    public double LearningRate => Spec.LearningRate;

    public RunScore Score => new(Dataset, Pooling, Seed, Test.Accuracy, Test.MacroF1);

    /// <summary>Disposes the model's native memory and returns this result without it: for grids of many runs.</summary>
    public RunResult ReleaseModel()
    {
        Model?.Dispose();
        return this with { Model = null };
    }

    /// <summary>
    /// What is impossible about these figures for a run on <paramref name="corpus"/>: a confusion matrix of the wrong
    /// size or total, per-item results of the wrong length or alphabet, or a figure that is not a finite number. Empty
    /// when they fit. A stored run that fails is damaged, whatever its file looked like.
    /// </summary>
    public IReadOnlyList<string> Problems(Data.Corpus corpus)
    {
        var problems = new List<string>();
        if (Test.Classes != corpus.ClassNames.Count)
        {
            problems.Add($"its confusion matrix is {Test.Classes}×{Test.Classes} but {corpus.Name} has {corpus.ClassNames.Count} classes");
        }

        if (Test.Count != corpus.Test.Count)
        {
            problems.Add($"its confusion matrix counts {Test.Count} test items but {corpus.Name}'s test split has {corpus.Test.Count}");
        }

        if (TestCorrect.Length != corpus.Test.Count || TestCorrect.Any(c => c is not ('0' or '1')))
        {
            problems.Add($"its per-item results hold {TestCorrect.Length} marks for {corpus.Test.Count} test items, or marks other than 0 and 1");
        }
        else if (TestCorrect.Count(c => c == '1') != Enumerable.Range(0, Test.Classes).Sum(k => Test.Confusion[k, k]))
        {
            problems.Add("its per-item results disagree with its confusion matrix");
        }

        foreach (var n in Test.Confusion)
        {
            if (n < 0)
            {
                problems.Add("its confusion matrix holds a negative count");
                break;
            }
        }

        var figures = History.Epochs.SelectMany(e => new[] { e.TrainLoss, e.ValidationLoss, e.ValidationAccuracy, e.ValidationMacroF1 })
            .Append(Test.Loss).Append(RealTokenShare).Append(EvidenceMass ?? 0);
        if (figures.Any(x => !double.IsFinite(x)))
        {
            problems.Add("a loss, accuracy or share is not a finite number");
        }

        if (History.Epochs.Any(e => e.ValidationAccuracy is < 0 or > 1) || History.BestEpoch < 1 || History.BestEpoch > History.Epochs.Count)
        {
            problems.Add("its training history is impossible (an accuracy outside [0, 1] or a best epoch it never ran)");
        }

        return problems;
    }
}
