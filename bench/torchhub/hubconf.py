"""The benchmark's hub repository: torchvision's ResNet-18 with seeded random weights (weights=None:
nothing is downloaded), served by the GitHub stand-in as bench/vision."""

dependencies = ["torch", "torchvision"]


def resnet18(weights=None, num_classes=1000):
    import torch
    import torchvision

    torch.manual_seed(0)
    return torchvision.models.resnet18(weights=weights, num_classes=num_classes)


resnet18.gpux_input_shapes = {"x": [1, 3, 224, 224]}
