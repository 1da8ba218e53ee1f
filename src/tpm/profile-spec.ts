/**
 * The shape of a profile: which algorithms, curves, key sizes, PCR banks and commands a TPM
 * implements, its limits and its vendor strings. Profiles are data (spec/profiles/), chosen at
 * run time; a custom object of this shape works too.
 */

/** PC Client PCR attributes (TPM 2.0 Part 1 "PCR Attributes"; PC Client PTP "PCR Attributes"). */
export interface PcrAttributesSpec {
  /** Saved by Shutdown(STATE) and restored by Startup(STATE). */
  readonly stateSave: boolean;
  /** Extending this PCR does not increment pcrUpdateCounter. */
  readonly doNotIncrement?: boolean;
  /** PCR_SetAuthPolicy / PCR_SetAuthValue group (0: not supported). */
  readonly policyGroup?: number;
  readonly authGroup?: number;
  /** Localities (TPMA_LOCALITY bits 0-4) that may reset / extend this PCR. */
  readonly resetLocality: number;
  readonly extendLocality: number;
}

export interface ProfileSpec {
  readonly name: string;
  readonly description: string;
  /** 'TPM' or 'TCM' (vendor strings and GetCapability say which). */
  readonly family: 'TPM' | 'TCM';
  /** TPM_ALG_ID names the TPM implements ('TPM_ALG_SHA256'...). */
  readonly algorithms: readonly string[];
  /** TPM_ECC_CURVE names. */
  readonly curves: readonly string[];
  readonly rsaKeyBits: readonly number[];
  readonly pcr: {
    readonly count: number;
    /** Banks allocated when the TPM is manufactured (TPM_ALG_ID names). */
    readonly banks: readonly string[];
    /** One entry per PCR. */
    readonly attributes: readonly PcrAttributesSpec[];
    /** The PCR that records the startup locality (H-CRTM), or -1. */
    readonly startupLocalityPcr: number;
  };
  /** Command names enabled ('all' for every declared command that has a handler). */
  readonly commands: 'all' | readonly string[];
  /** Implementation values overriding the spec defaults (MAX_LOADED_OBJECTS...). */
  readonly limits: { readonly [name: string]: number };
  readonly vendor: {
    /** TPM_PT_MANUFACTURER: four ASCII characters. */
    readonly manufacturer: string;
    /** TPM_PT_VENDOR_STRING_1..4: up to 16 ASCII characters in all. */
    readonly vendorString: string;
    readonly vendorTpmType: number;
    /** TPM_PT_FIRMWARE_VERSION_1 and _2. */
    readonly firmwareVersion: readonly [number, number];
  };
}
