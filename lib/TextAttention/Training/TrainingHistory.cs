namespace TextAttention.Training;

/// <summary>
/// What <see cref="Trainer.Fit"/> did: the figures of every epoch it ran, the best epoch by validation
/// accuracy (whose weights the model holds afterwards), and whether patience ended it before the cap.
/// </summary>
public sealed record TrainingHistory(IReadOnlyList<EpochRecord> Epochs, int BestEpoch, bool StoppedEarly)
{
    /// <summary>The best epoch's figures.</summary>
    public EpochRecord Best => Epochs[BestEpoch - 1];
}
