/**
 * tfjs kernels the image experiments need, forward and backward: the ResNet's convolutions and their two gradients
 * (tfjs-wasm lacks Conv2DBackpropFilter unless `@cl/core` registers its own), the NT-Xent logits (BatchMatMul, the
 * log-sum-exp), the evaluation resize (ResizeBilinear) and the augmentation's blur (DepthwiseConv2dNative, MirrorPad).
 */
export const IMAGE_KERNELS: readonly string[] = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', 'Relu', 'Max', 'Exp', 'Log', 'ResizeBilinear', 'DepthwiseConv2dNative', 'MirrorPad']
