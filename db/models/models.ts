/**
 * Objection models, one per table, with their relations. Columns keep the database's
 * snake_case names, which are also the contract's field names.
 */
import type { Knex } from 'knex';
import { Model, type RelationMappings } from 'objection';

export class RegionModel extends Model {
  static override tableName = 'regions';
  id!: string;
  title!: string;
  center_lat!: number;
  center_lon!: number;
  polygon_coordinates!: [number, number][] | null;
  service_radius_meters!: number | null;
  is_active!: boolean;
  created_at!: Date;
  updated_at!: Date;
}

export class UserModel extends Model {
  static override tableName = 'users';
  id!: number;
  phone!: string;
  username!: string;
  email!: string | null;
  /** Staff display name (dispatchers and admins); null for other users. */
  full_name!: string | null;
  role!: 'passenger' | 'driver' | 'dispatcher' | 'admin';
  is_active!: boolean;
  created_at!: Date;
  updated_at!: Date;
}

/**
 * A profile (passenger or driver): belongs to one login user and one home region, and is
 * deactivated rather than deleted. The relations join on the subclass's own table.
 */
abstract class ProfileModel extends Model {
  id!: number;
  user_id!: number;
  region_id!: string;
  is_active!: boolean;
  created_at!: Date;
  updated_at!: Date;
  user?: UserModel;
  region?: RegionModel;

  static override get relationMappings(): RelationMappings {
    const table = this.tableName;
    return {
      user: {
        relation: Model.BelongsToOneRelation,
        modelClass: UserModel,
        join: { from: `${table}.user_id`, to: 'users.id' },
      },
      region: {
        relation: Model.BelongsToOneRelation,
        modelClass: RegionModel,
        join: { from: `${table}.region_id`, to: 'regions.id' },
      },
    };
  }
}

export class PassengerModel extends ProfileModel {
  static override tableName = 'passengers';
  full_name!: string;
  disability_category!: string;
  allowed_companion!: boolean;
  mobility_aid!: string;
}

export class DriverModel extends ProfileModel {
  static override tableName = 'drivers';
  name!: string;
  car_model!: string;
  plate_number!: string;
  capacity!: number;
  wheelchair_accessible!: boolean;
  is_online!: boolean;
  status!: string;
  current_lat!: number | null;
  current_lon!: number | null;
  heading!: number | null;
  speed!: number | null;
  accuracy!: number | null;
  last_location_update!: Date | null;
  rating!: number;
}

export class OrderModel extends Model {
  static override tableName = 'orders';
  id!: string;
  version!: number;
  passenger_id!: number;
  driver_id!: number | null;
  region_id!: string;
  created_by_user_id!: number;
  idempotency_key!: string | null;
  pickup_title!: string;
  dropoff_title!: string;
  pickup_lat!: number;
  pickup_lon!: number;
  dropoff_lat!: number;
  dropoff_lon!: number;
  pickup_object_name!: string | null;
  dropoff_object_name!: string | null;
  desired_pickup_time!: Date | null;
  has_companion!: boolean;
  seats_needed!: number;
  needs_wheelchair_access!: boolean;
  note!: string | null;
  status!: string;
  created_at!: Date;
  updated_at!: Date;
  assigned_at!: Date | null;
  arrived_at!: Date | null;
  completed_at!: Date | null;
  cancelled_at!: Date | null;
  assignment_reason!: string | null;
  rejection_reason!: string | null;
  cancel_reason!: string | null;
  distance_km!: number | null;
  video_recording!: boolean;
  upload_started!: boolean;
  passenger?: PassengerModel;
  driver?: DriverModel | null;

  static override get relationMappings(): RelationMappings {
    return {
      passenger: {
        relation: Model.BelongsToOneRelation,
        modelClass: PassengerModel,
        join: { from: 'orders.passenger_id', to: 'passengers.id' },
      },
      driver: {
        relation: Model.BelongsToOneRelation,
        modelClass: DriverModel,
        join: { from: 'orders.driver_id', to: 'drivers.id' },
      },
    };
  }
}

export class OrderEventModel extends Model {
  static override tableName = 'order_events';
  id!: number;
  order_id!: string;
  version!: number;
  from_status!: string | null;
  to_status!: string;
  actor_user_id!: number | null;
  actor_role!: string;
  reason!: string | null;
  data!: Record<string, unknown> | null;
  created_at!: Date;
}

export class OfferModel extends Model {
  static override tableName = 'offers';
  id!: number;
  order_id!: string;
  driver_id!: number;
  status!: 'pending' | 'accepted' | 'declined' | 'expired' | 'cancelled';
  created_at!: Date;
  expires_at!: Date;
  responded_at!: Date | null;
  distance_m!: number | null;
  score!: number | null;
  rank!: number | null;
  reason!: string | null;
  order?: OrderModel;

  static override get relationMappings(): RelationMappings {
    return {
      order: {
        relation: Model.BelongsToOneRelation,
        modelClass: OrderModel,
        join: { from: 'offers.order_id', to: 'orders.id' },
      },
    };
  }
}

/**
 * withGraphJoined needs the columns of every table in the graph and, on a model's first use,
 * asks for them all at once on the caller's connection: inside a transaction that is several
 * queries at the same time on one client, which pg deprecates (and pg 9 will refuse). Asking
 * for them one after another first keeps one query at a time. Once cached (every later call)
 * this is a synchronous check per model, with no await on the hot path.
 */
export async function loadGraphColumns(db: Knex, models: readonly (typeof Model)[]): Promise<void> {
  for (const model of models) {
    if (!model.tableMetadata()) await model.fetchTableMetadata({ knex: db });
  }
}
