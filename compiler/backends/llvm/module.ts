// A thin wrapper around llvm-bindings, in the spirit of AssemblyScript's
// module.ts: one object owns the context, module and IRBuilder, caches the
// types and declarations the emitter asks for, and hides the bindings' quirks
// (verifyModule returns true when the module is BROKEN; intrinsics are looked
// up by numeric id). Nothing here knows about the tsgrad IR.

import { createRequire } from "node:module";
import type LLVM from "llvm-bindings";

// llvm-bindings is a CommonJS native addon; load it lazily so importing this
// file costs nothing on a warm cache hit (load.ts never needs LLVM).
let llvmModule: typeof LLVM | undefined;
export function llvm(): typeof LLVM {
  if (!llvmModule) llvmModule = createRequire(import.meta.url)("llvm-bindings") as typeof LLVM;
  return llvmModule;
}

export type Value = LLVM.Value;
export type LType = LLVM.Type;
export type BasicBlock = LLVM.BasicBlock;
export type Fn = LLVM.Function;

/** The unary/binary floating-point intrinsics the lowering table uses. */
export type FloatIntrinsic = "sqrt" | "fabs" | "floor" | "ceil" | "trunc" | "rint" | "copysign" | "fma";

const hostLayouts: [RegExp, string][] = [
  [/^x86_64-.*linux/, "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"],
  [/^aarch64-.*linux/, "e-m:e-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128"],
];

export class LLModule {
  readonly L = llvm();
  readonly ctx = new this.L.LLVMContext();
  readonly mod: LLVM.Module;
  readonly b: LLVM.IRBuilder;
  readonly f64: LType;
  readonly f32: LType;
  readonly i1: LLVM.IntegerType;
  readonly i8: LLVM.IntegerType;
  readonly i32: LLVM.IntegerType;
  readonly i64: LLVM.IntegerType;
  readonly i8p: LLVM.PointerType;
  private readonly callees = new Map<string, LLVM.FunctionCallee>();
  private readonly intrinsics = new Map<string, Fn>();

  constructor(name: string) {
    const L = this.L;
    this.mod = new L.Module(name, this.ctx);
    this.b = new L.IRBuilder(this.ctx);
    this.f64 = L.Type.getDoubleTy(this.ctx);
    this.f32 = L.Type.getFloatTy(this.ctx);
    this.i1 = L.Type.getInt1Ty(this.ctx);
    this.i8 = L.Type.getInt8Ty(this.ctx);
    this.i32 = L.Type.getInt32Ty(this.ctx);
    this.i64 = L.Type.getInt64Ty(this.ctx);
    this.i8p = L.Type.getInt8PtrTy(this.ctx);
    this.setHostTarget();
  }

  /**
   * Triple + data layout of the host, so `opt` knows libm and the vector widths.
   * The layout is spelled out: llvm-bindings' TargetMachine.createDataLayout()
   * returns an object the other bindings reject. Other hosts get llc's default.
   */
  private setHostTarget(): void {
    const triple = this.L.config.LLVM_DEFAULT_TARGET_TRIPLE;
    this.mod.setTargetTriple(triple);
    const layout = hostLayouts.find(([re]) => re.test(triple));
    if (layout) this.mod.setDataLayout(layout[1]);
  }

  ptr(t: LType): LLVM.PointerType {
    return this.L.PointerType.getUnqual(t);
  }

  fnType(ret: LType, params: LType[]): LLVM.FunctionType {
    return this.L.FunctionType.get(ret, params, false);
  }

  /** An exported function with an entry block; the builder is left at its entry. */
  defineFunction(name: string, ret: LType, params: LType[]): Fn {
    const fn = this.L.Function.Create(this.fnType(ret, params), this.L.Function.LinkageTypes.ExternalLinkage, name, this.mod);
    this.b.SetInsertPoint(this.block(fn, "entry"));
    return fn;
  }

  block(fn: Fn, name: string): BasicBlock {
    return this.L.BasicBlock.Create(this.ctx, name, fn);
  }

  /** An external C function (libm or the tsgrad runtime), declared once. */
  external(name: string, ret: LType, params: LType[]): LLVM.FunctionCallee {
    let c = this.callees.get(name);
    if (!c) {
      c = this.mod.getOrInsertFunction(name, this.fnType(ret, params));
      this.callees.set(name, c);
    }
    return c;
  }

  call(name: string, ret: LType, args: Value[]): Value {
    return this.b.CreateCall(this.external(name, ret, args.map((a) => a.getType())), args);
  }

  /** llvm.<name>.<type>: overloaded on the operand type. */
  intrinsic(name: FloatIntrinsic, type: LType): Fn {
    const key = `${name}.${type.isFloatTy() ? "f32" : "f64"}`;
    let f = this.intrinsics.get(key);
    if (!f) {
      f = this.L.Intrinsic.getDeclaration(this.mod, this.L.Intrinsic[name], [type]);
      this.intrinsics.set(key, f);
    }
    return f;
  }

  callIntrinsic(name: FloatIntrinsic, args: Value[]): Value {
    return this.b.CreateCall(this.intrinsic(name, args[0].getType()), args);
  }

  /** fcmp uno (either operand NaN): llvm-bindings has no CreateFCmpUNO; opt folds this back. */
  unordered(x: Value, y: Value): Value {
    return this.b.CreateOr(this.b.CreateFCmpUNE(x, x), this.b.CreateFCmpUNE(y, y));
  }

  // ---- constants --------------------------------------------------------------------
  /** A float constant; NaN and ±Infinity are fine (ConstantFP takes any double). */
  f(type: LType, x: number): Value {
    if (typeof x !== "number") throw new Error(`LLVM constant ${x}: a float literal must be a number (IR read back from JSON has null for NaN and ±Infinity)`);
    try { return this.L.ConstantFP.get(type, x); } catch (e) { throw new Error(`LLVM constant ${x} (${type.isFloatTy() ? "f32" : type.isDoubleTy() ? "f64" : "non-float"}): ${(e as Error).message}`); }
  }
  int32(x: number): Value {
    return this.b.getInt32(x | 0);
  }
  int64(x: number): Value {
    return this.b.getInt64(x);
  }
  bool(x: boolean): Value {
    return this.b.getInt1(x);
  }
  nullPtr(t: LLVM.PointerType): Value {
    return this.L.ConstantPointerNull.get(t);
  }

  /** True when the module is well formed; llvm-bindings' verifyModule returns true on errors. */
  verify(): boolean {
    return !this.L.verifyModule(this.mod);
  }

  print(): string {
    return this.mod.print();
  }

  writeBitcode(path: string): void {
    this.L.WriteBitcodeToFile(this.mod, path);
  }
}
