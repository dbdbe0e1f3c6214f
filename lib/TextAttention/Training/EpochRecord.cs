namespace TextAttention.Training;

/// <summary>One epoch's figures.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy, double ValidationMacroF1, double Seconds);
