import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { MetadataScanner } from '@nestjs/core';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';

type ModuleReference = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference | undefined;

/**
 * The contract types a service's `@EventPattern` handlers take, read from the decorators' metadata on the module
 * tree, the metadata Nest itself reads, without creating the application: what the operator command line provisions
 * consumers for. JetStreamServer checks at start that the handlers it was given are exactly these.
 */
export function eventPatternTypes(rootModule: Type<unknown>): string[] {
  const types = new Set<string>();
  const scanner = new MetadataScanner();
  const seen = new Set<unknown>();
  const visit = (reference: ModuleReference) => {
    const resolved = resolveModule(reference);
    if (!resolved || seen.has(resolved.key)) return;
    seen.add(resolved.key);
    for (const controller of resolved.controllers) {
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method] as object;
        if (Reflect.getMetadata(PATTERN_HANDLER_METADATA, handler) === undefined) continue;
        for (const pattern of (Reflect.getMetadata(PATTERN_METADATA, handler) as unknown[] | undefined) ?? []) {
          if (typeof pattern !== 'string')
            throw new Error(`${controller.name}.${method}: event patterns must be contract type strings (got ${JSON.stringify(pattern)})`);
          types.add(pattern);
        }
      }
    }
    resolved.imports.forEach(visit);
  };
  visit(rootModule);
  return [...types].sort();
}

function resolveModule(reference: ModuleReference): { key: unknown; controllers: Type<unknown>[]; imports: ModuleReference[] } | undefined {
  if (!reference) return undefined;
  if (reference instanceof Promise) {
    throw new Error('eventPatternTypes cannot read modules imported asynchronously; declare event controllers in a static module');
  }
  if ('forwardRef' in reference) return resolveModule(reference.forwardRef() as ModuleReference);
  if ('module' in reference) {
    const dynamic = reference as DynamicModule;
    const own = resolveModule(dynamic.module);
    return {
      key: dynamic,
      controllers: [...(own?.controllers ?? []), ...(dynamic.controllers ?? [])],
      imports: [...(own?.imports ?? []), ...((dynamic.imports ?? []) as ModuleReference[])],
    };
  }
  const moduleClass = reference as Type<unknown>;
  return {
    key: moduleClass,
    controllers: (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, moduleClass) as Type<unknown>[] | undefined) ?? [],
    imports: (Reflect.getMetadata(MODULE_METADATA.IMPORTS, moduleClass) as ModuleReference[] | undefined) ?? [],
  };
}
