namespace TextAttention.Training;

/// <summary>One epoch's figures.</summary>
/// <param name="TrainLoss">The mean training loss over the batches that were applied.</param>
/// <param name="SkippedBatches">Batches whose loss or gradient was not a finite number, so the step was not taken (0 in a healthy run).</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy, double ValidationMacroF1, double Seconds, int SkippedBatches = 0);
